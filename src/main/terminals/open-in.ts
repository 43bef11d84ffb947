/** "Open in editor": VS Code or Cursor through their CLIs, $EDITOR in a Baton terminal, or the system file manager; always argument arrays. */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fail, ok, type Result } from '../../shared/result';
import { spawnErrorText } from '../lib/spawn-error';

import type { OpenApp, Opener } from '../../shared/contracts/terminals';

/** The first executable named `name` on PATH, or null. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const full = join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // Not here.
    }
  }
  return null;
}

const FILE_MANAGER: Partial<Record<NodeJS.Platform, string>> = { darwin: 'open', win32: 'explorer.exe', linux: 'xdg-open' };

/** The program and arguments that open `folder` in `app` (not $EDITOR: that one runs in a terminal). */
export function openCommand(app: Exclude<OpenApp, 'editor'>, folder: string, platform: NodeJS.Platform = process.platform, path = process.env.PATH ?? ''): Result<{ command: string; args: string[] }> {
  if (app === 'files') {
    const fm = FILE_MANAGER[platform];
    if (!fm || (platform === 'linux' && !onPath(fm, path))) return fail('not_installed', 'No file manager opener (xdg-open) was found on PATH; install xdg-utils.');
    return ok({ command: fm, args: [folder] });
  }
  const cli = app === 'vscode' ? 'code' : 'cursor';
  const found = onPath(cli, path);
  if (!found) return fail('not_installed', `The ${app === 'vscode' ? 'VS Code' : 'Cursor'} command \`${cli}\` is not on PATH; install it from the editor (Shell Command: Install '${cli}' command in PATH).`);
  return ok({ command: found, args: [folder] });
}

/** Starts the opener detached: the editor is the person's, not Baton's, and outlives it. */
export function launchOpener(c: { command: string; args: string[] }): Promise<Result<void>> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(c.command, c.args, { detached: true, stdio: 'ignore' });
    } catch (e) {
      resolve(fail('open_failed', `Could not start ${c.command}: ${spawnErrorText(e)}.`));
      return;
    }
    child.once('error', (e) => resolve(fail('open_failed', `Could not start ${c.command}: ${spawnErrorText(e)}.`)));
    child.once('spawn', () => {
      child.unref();
      resolve(ok(undefined));
    });
  });
}

const LABELS: Record<OpenApp, string> = { vscode: 'VS Code', cursor: 'Cursor', editor: '$EDITOR in a terminal', files: 'File manager' };

/** Each opener and whether this machine has it, with what to do when it does not. */
export function detectOpeners(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Opener[] {
  const cli = (app: 'vscode' | 'cursor') => {
    const r = openCommand(app, '.', platform, env.PATH ?? '');
    return { app, label: LABELS[app], available: r.ok, why: r.ok ? null : r.error.message };
  };
  const editor = env.VISUAL || env.EDITOR;
  const files = openCommand('files', '.', platform, env.PATH ?? '');
  return [
    cli('vscode'),
    cli('cursor'),
    { app: 'editor', label: LABELS.editor, available: !!editor, why: editor ? null : 'Set $EDITOR (or $VISUAL) in the environment Baton starts with.' },
    { app: 'files', label: LABELS.files, available: files.ok, why: files.ok ? null : files.error.message },
  ];
}
