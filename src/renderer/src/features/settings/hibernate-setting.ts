/** The hibernation field's rules: stored seconds shown as minutes, and typed minutes checked and saved as seconds. */
import { HIBERNATE_DEFAULTS, type AppSettings } from '../../../../shared/contracts/app';

/** The contract's upper bound (7 days), in the minutes the dialog shows. */
export const MAX_HIBERNATE_MINUTES = (7 * 24 * 3600) / 60;

/** The stored seconds as the minutes field shows them: whole minutes plainly, a seconds-precise value (set by the CLI or a test) with up to two decimals. */
export function minutesText(settings: Pick<AppSettings, 'hibernateAfterSeconds'>): string {
  const seconds = settings.hibernateAfterSeconds ?? HIBERNATE_DEFAULTS.hibernateAfterSeconds;
  return String(Math.round((seconds / 60) * 100) / 100);
}

/** What a person typed in the minutes field, as the seconds to save; an error that says what to type instead. */
export function parseMinutes(text: string): { ok: true; seconds: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  const minutes = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(minutes) || minutes < 0 || minutes > MAX_HIBERNATE_MINUTES) {
    return { ok: false, message: `Enter a number of minutes from 0 (never) to ${MAX_HIBERNATE_MINUTES} (7 days).` };
  }
  return { ok: true, seconds: Math.round(minutes * 60) };
}
