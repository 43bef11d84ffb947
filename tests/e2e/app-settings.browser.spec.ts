import { expect, test } from '@playwright/test';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

const ws = useWorkspace('app-settings', { startServer: true });

test('the hibernation settings are saved by main and survive a reload; a bad number is refused with what to type', async ({ page }) => {
  await page.goto(ws.running.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByTestId('app-settings-dialog');
  const minutes = settings.getByLabel('Hibernate idle agents after (minutes)');
  const orchestrators = settings.getByRole('checkbox', { name: /Also hibernate orchestrators/ });
  // The defaults: 5 minutes, workers only.
  await expect(minutes).toHaveValue('5');
  await expect(orchestrators).not.toBeChecked();

  await minutes.fill('-3');
  await minutes.press('Enter');
  await expect(settings.getByRole('alert')).toHaveText(/Enter a number of minutes from 0 \(never\) to 10080/);

  await minutes.fill('12');
  await minutes.press('Enter');
  await expect(settings.getByTestId('settings-save-state')).toHaveText('Saved');
  await expect(settings.getByRole('alert')).toHaveCount(0);
  await orchestrators.check();
  await expect(settings.getByTestId('settings-save-state')).toHaveText('Saved');
  await expect(orchestrators).toBeChecked();
  await page.screenshot({ path: screenshotPath('app-settings-hibernation') });
  await settings.getByRole('button', { name: 'Done' }).click();

  await page.reload();
  await page.getByRole('button', { name: 'Settings' }).click();
  const again = page.getByTestId('app-settings-dialog');
  await expect(again.getByLabel('Hibernate idle agents after (minutes)')).toHaveValue('12');
  await expect(again.getByRole('checkbox', { name: /Also hibernate orchestrators/ })).toBeChecked();
});
