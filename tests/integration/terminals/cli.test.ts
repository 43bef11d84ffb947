import { afterEach, describe, expect, it } from 'vitest';
import { parseInvocation } from '../../../src/cli/args';
import type { TerminalView } from '../../../src/shared/contracts/terminals';
import { baton, json } from '../control/helpers';
import { TermApp } from './app-world';

let world: TermApp | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

describe('baton terminal', () => {
  it('opens, lists, sends to and kills a terminal of the running app, with --json', async () => {
    world = new TermApp();
    await world.start();
    await world.addProject();
    const dd = ['--data-dir', world.dataDir];
    const opened = json<TerminalView>(await baton([...dd, 'terminal', 'open', 'repo', '--json']));
    expect(opened).toMatchObject({ projectId: world.projectId, state: 'running', cwd: world.repo });
    const list = json<TerminalView[]>(await baton([...dd, 'terminal', 'list', '--json']));
    expect(list.map((t) => t.id)).toEqual([opened.id]);
    const table = await baton([...dd, 'terminal', 'list']);
    expect(table.stdout).toMatch(new RegExp(`${opened.id.slice(0, 8)}\\s+running`));
    const sent = await baton([...dd, 'terminal', 'send', opened.id.slice(0, 8), 'echo cli-$((20+1))']);
    expect(sent.code).toBe(0);
    await world.waitOutput(opened.id, 'cli-21');
    const killed = json<TerminalView>(await baton([...dd, 'terminal', 'kill', opened.id, '--json']));
    expect(killed.state).toBe('exited');
    const unknown = await baton([...dd, 'terminal', 'kill', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No terminal matches "nope"');
  }, 60_000);

  it('parses the verbs and refuses misplaced flags', () => {
    expect(parseInvocation(['terminal', 'open', 'p', '--cwd', 'src'])).toEqual({ ok: true, value: { json: false, command: { kind: 'terminal_open', target: 'p', cwd: 'src' } } });
    expect(parseInvocation(['terminal', 'send', 'abc', '\u0003', '--raw', '--json'])).toEqual({ ok: true, value: { json: true, command: { kind: 'terminal_send', id: 'abc', text: '\u0003', raw: true } } });
    expect(parseInvocation(['terminal', 'list', 'p'])).toMatchObject({ ok: true, value: { command: { kind: 'terminal_list', project: 'p' } } });
    expect(parseInvocation(['terminal', 'kill'])).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(parseInvocation(['terminal', 'list', '--raw'])).toMatchObject({ ok: false, error: { message: '--raw belongs to `terminal send`.' } });
    expect(parseInvocation(['terminal', 'frob'])).toMatchObject({ ok: false, error: { message: expect.stringContaining('open, run, list, send or kill') } });
  });
});
