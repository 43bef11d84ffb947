/** "Open in editor": the app setting chooses the opener (default: the first installed), and `baton open` uses it or --editor. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseInvocation } from '../../../src/cli/args';
import type { AppSettings } from '../../../src/shared/contracts/app';
import type { Opener } from '../../../src/shared/contracts/terminals';
import type { WorktreeView } from '../../../src/shared/contracts/worktrees';
import { until } from '../../support/wait';
import { baton, json } from '../control/helpers';
import { TermApp } from './app-world';

let world: TermApp | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

/** Real programs named like the editors' CLIs, each recording the folder it was asked to open. */
function fakeEditors(base: string): { bin: string; opened: (cli: string) => string | null } {
  const bin = join(base, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const cli of ['code', 'cursor']) {
    const file = join(bin, cli);
    writeFileSync(file, `#!/bin/sh\nprintf '%s' "$1" > '${join(base, `${cli}.opened`)}'\n`);
    chmodSync(file, 0o755);
  }
  const opened = (cli: string): string | null => {
    const f = join(base, `${cli}.opened`);
    return existsSync(f) ? readFileSync(f, 'utf8') : null;
  };
  return { bin, opened };
}

describe('open in editor', () => {
  it('uses the first installed opener by default, the one chosen in the settings after, and --editor over both', async () => {
    world = new TermApp();
    const editors = fakeEditors(world.base);
    await world.start({ PATH: `${editors.bin}:${process.env.PATH ?? ''}` });
    await world.addProject();
    const dd = ['--data-dir', world.dataDir];

    const openers = await world.call<Opener[]>('terminals.openers', {});
    expect(openers.filter((o) => o.available).map((o) => o.app)).toEqual(expect.arrayContaining(['vscode', 'cursor']));

    // Nothing chosen: VS Code, the first installed.
    const first = json<{ app: string; projectId: string }>(await baton([...dd, 'open', 'repo', '--json']));
    expect(first).toMatchObject({ app: 'vscode', projectId: world.projectId });
    await until(() => editors.opened('code') === world!.repo, 'VS Code to be asked to open the project');

    // Chosen in the app settings: Cursor, for a worktree named on the command line.
    const saved = await world.call<AppSettings>('app.updateSettings', { editor: 'cursor' });
    expect(saved.editor).toBe('cursor');
    const wt = await world.call<WorktreeView>('worktrees.create', { projectId: world.projectId, name: 'side' });
    const second = json<{ app: string; worktreeId: string }>(await baton([...dd, 'open', 'side', '--json']));
    expect(second).toMatchObject({ app: 'cursor', worktreeId: wt.id });
    await until(() => editors.opened('cursor') === wt.path, 'Cursor to be asked to open the worktree');

    // --editor wins over the setting; back to "first installed" with null.
    const third = json<{ app: string }>(await baton([...dd, 'open', 'repo', '--editor', 'vscode', '--json']));
    expect(third.app).toBe('vscode');
    expect((await world.call<AppSettings>('app.updateSettings', { editor: null })).editor ?? null).toBeNull();

    const unknown = await baton([...dd, 'open', 'no-such-thing']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"no-such-thing" names no session');
  }, 60_000);

  it('parses `open` and `terminal run`, and refuses a wrong --editor', () => {
    expect(parseInvocation(['open', 's1', '--editor', 'cursor', '--json'])).toEqual({ ok: true, value: { json: true, command: { kind: 'open', target: 's1', editor: 'cursor' } } });
    expect(parseInvocation(['open', 's1'])).toEqual({ ok: true, value: { json: false, command: { kind: 'open', target: 's1' } } });
    expect(parseInvocation(['open', 's1', '--editor', 'vim'])).toMatchObject({ ok: false, error: { message: '--editor must be one of vscode, cursor, editor, files; got "vim".' } });
    expect(parseInvocation(['status', '--editor', 'vscode'])).toMatchObject({ ok: false, error: { message: '--editor belongs to `open`.' } });
    expect(parseInvocation(['terminal', 'run', 'web'])).toEqual({ ok: true, value: { json: false, command: { kind: 'terminal_run', project: 'web' } } });
  });
});
