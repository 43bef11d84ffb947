import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import { connectTerminalHost } from '../../../src/main/runtime/terminal-connection';
import type { TerminalView } from '../../../src/shared/contracts/terminals';
import { connectWs } from '../../support/ws-client';
import { until, waitUntil } from '../../support/wait';
import { TermApp } from './app-world';

let world: TermApp;
afterEach(async () => world?.cleanup());

/** Opens a shell and waits for its first prompt: typing before it would put the prompt in front of the command's output. */
async function open(w: TermApp, input: Record<string, unknown> = {}): Promise<TerminalView> {
  const t = await w.call<TerminalView>('terminals.open', { projectId: w.projectId, ...input });
  await w.waitOutput(t.id, '$ ');
  return t;
}

/** Terminals through the real app process (serve.js): the contract, a SIGKILLed main, a killed host. */
describe('terminals in the app', () => {
  it('opens a shell in the project, runs a command, streams output to subscribers, records the exit code', async () => {
    world = new TermApp();
    const app = await world.start();
    await world.addProject();
    const ws = await connectWs(app.port, { token: world.token });
    const t = await open(world, { cols: 100, rows: 30 });
    ws.ws.send(JSON.stringify({ t: 'sub', name: 'terminals.output', topic: t.id }));
    // Frames on one connection are handled in order: once this call is answered, the subscription holds.
    await ws.call('app.status', {});
    expect(t).toMatchObject({ state: 'running', worktreeId: null, cwd: world.repo, kind: 'shell', exitCode: null });
    await world.call('terminals.input', { id: t.id, data: 'echo $((6*7)); stty size\r' });
    await world.waitOutput(t.id, '30 100');
    expect(await world.scrollback(t.id)).toMatch(/^42\r?$/m);
    // The same bytes reached the subscriber as terminals.output events, batched, in order.
    await ws.next((f) => f.t === 'event' && f.name === 'terminals.output' && JSON.stringify(f).includes('30 100'));
    await world.call('terminals.input', { id: t.id, data: 'exit 7\r' });
    const ended = await waitUntil(() => world.get(t.id), (v) => v.state !== 'running', 10_000, 'the terminal to exit');
    expect(ended).toMatchObject({ state: 'exited', exitCode: 7 });
    await expect(world.call('terminals.input', { id: t.id, data: 'x' })).rejects.toThrow(/terminal_not_running/);
    ws.ws.close();
  }, 60_000);

  it('Ctrl+C interrupts sleep; resize reaches the pty', async () => {
    world = new TermApp();
    await world.start();
    await world.addProject();
    const t = await open(world);
    await world.call('terminals.input', { id: t.id, data: 'sleep 30; echo slept-$((1+1))\r' });
    // The interrupt goes out once sleep runs (before that it would only cancel a line being read).
    await until(() => readdirSync('/proc').some((p) => /^\d+$/.test(p) && safeRead(`/proc/${p}/cmdline`) === 'sleep\u000030\u0000'), 'sleep 30 to run');
    await world.call('terminals.input', { id: t.id, data: '\u0003' });
    await world.call('terminals.input', { id: t.id, data: 'echo "st=$?"\r' });
    await world.waitOutput(t.id, 'st=130', 8000);
    await world.call('terminals.resize', { id: t.id, cols: 91, rows: 33 });
    await world.call('terminals.input', { id: t.id, data: 'stty size\r' });
    await world.waitOutput(t.id, '33 91');
    expect(await world.scrollback(t.id)).not.toContain('slept-2');
    expect((await world.get(t.id)).cols).toBe(91);
  }, 60_000);

  it('survives SIGKILL of main: after a restart it reattaches, the scrollback holds what came before, and `done` arrives', async () => {
    world = new TermApp();
    await world.start();
    await world.addProject();
    const t = await open(world);
    await world.call('terminals.input', { id: t.id, data: 'echo before-$((1+1)); sleep 5; echo done-$((2+3))\r' });
    await world.waitOutput(t.id, 'before-2');
    const host = world.hostPid(t.id);
    expect(host).not.toBeNull();
    await world.crash();
    expect(isPidAlive(host as number)).toBe(true);
    await world.start();
    const after = await world.get(t.id);
    expect(after.state).toBe('running');
    expect(await world.scrollback(t.id)).toContain('before-2');
    const text = await world.waitOutput(t.id, 'done-5', 20_000);
    expect(text.indexOf('before-2')).toBeLessThan(text.indexOf('done-5'));
    expect(world.hostPid(t.id)).toBe(host);
    // And it still takes input after the reattach.
    await world.call('terminals.input', { id: t.id, data: 'echo again-$((3+4))\r' });
    await world.waitOutput(t.id, 'again-7');
  }, 90_000);

  it('a killed host shows the terminal lost; Restart opens a new shell under the old scrollback', async () => {
    world = new TermApp();
    await world.start();
    await world.addProject();
    const t = await open(world);
    await world.call('terminals.input', { id: t.id, data: 'echo first-$((1+1))\r' });
    await world.waitOutput(t.id, 'first-2');
    const host = world.hostPid(t.id) as number;
    process.kill(host, 'SIGKILL');
    const lost = await waitUntil(() => world.get(t.id), (v) => v.state !== 'running', 10_000, 'the terminal to be lost');
    expect(lost.state).toBe('lost');
    expect(lost.stateDetail).toMatch(/Restart/);
    const restarted = await world.call<TerminalView>('terminals.restart', { id: t.id });
    expect(restarted.state).toBe('running');
    expect(world.hostPid(t.id)).not.toBe(host);
    await world.call('terminals.input', { id: t.id, data: 'echo second-$((2+2))\r' });
    const text = await world.waitOutput(t.id, 'second-4');
    expect(text.indexOf('first-2')).toBeLessThan(text.indexOf('second-4'));
  }, 60_000);

  it('a host that died while Baton was down is lost at startup; one whose shell exited is exited with its code', async () => {
    world = new TermApp();
    await world.start();
    await world.addProject();
    const a = await open(world);
    const b = await open(world);
    await world.crash();
    const hostA = world.hostPid(a.id) as number;
    const hostB = world.hostPid(b.id) as number;
    process.kill(hostA, 'SIGKILL');
    // b's shell exits by itself while no main is attached: its host records the code and ends.
    const hostFile = JSON.parse(readFileSync(join(world.dataDir, 'terminals', b.id, 'host.json'), 'utf8')) as { pid: number; startTime: string; nonce: string; socket: string };
    const c = await connectTerminalHost(hostFile);
    if (!c.ok) throw new Error(c.error.message);
    c.value.input('exit 4\r');
    await until(() => !isPidAlive(hostA) && !isPidAlive(hostB), 'both hosts to be gone');
    await world.start();
    expect(await world.get(a.id)).toMatchObject({ state: 'lost' });
    expect(await world.get(b.id)).toMatchObject({ state: 'exited', exitCode: 4 });
  }, 60_000);

  it('a worktree with a running terminal refuses release; a confirmed release kills the terminal first', async () => {
    world = new TermApp();
    await world.start();
    await world.addProject();
    const w = await world.call<{ id: string; path: string }>('worktrees.create', { projectId: world.projectId, name: 'term-wt' });
    const t = await open(world, { worktreeId: w.id });
    expect(t).toMatchObject({ worktreeId: w.id, cwd: w.path });
    await expect(world.call('worktrees.release', { worktreeId: w.id })).rejects.toThrow(/worktree_in_use.*running terminal/);
    expect((await world.get(t.id)).state).toBe('running');
    await world.call('worktrees.release', { worktreeId: w.id, stopSession: true });
    expect((await world.get(t.id)).state).toBe('exited');
    // Closing a running terminal is refused unless asked to kill it; an exited one closes.
    const u = await open(world);
    await expect(world.call('terminals.close', { id: u.id })).rejects.toThrow(/terminal_running/);
    expect(await world.call('terminals.close', { id: u.id, kill: true })).toEqual({ closed: true });
    await expect(world.get(u.id)).rejects.toThrow(/terminal_not_found/);
  }, 60_000);
});

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
