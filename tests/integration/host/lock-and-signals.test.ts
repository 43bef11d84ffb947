/**
 * One host per session, and a host told to stop by a signal: for whichever host runs (the native one by default,
 * the Node one in the node-host project), as neither had a test of its own.
 * - A second host started for a session whose host lives exits 4, saying who holds it, and changes nothing.
 * - A lock left by a host that died is taken over: the session starts.
 * - SIGTERM to the host stops the agent (journaled as a stop with a 3 s grace) and the host exits 0.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/main/host/journal-read';
import { hostConfigPath, hostLockPath } from '../../../src/main/host/paths';
import type { ExitMessage } from '../../../src/main/host/protocol';
import { alive, ensureHostBuilt, hostCommand, msgOf, waitUntil, World } from './helpers';

let w: World;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(() => w?.cleanup());

/** Starts a host for `id` directly (launchHost refuses a second one before it could start), and waits for its exit code. */
function secondHost(id: string): Promise<number | null> {
  const path = w.hostConfig(id, { command: 'sleep', args: ['60'], launchId: 'second', socketSuffix: '.second' }, 'second-config.json');
  const [cmd, ...args] = hostCommand();
  const child = spawn(cmd as string, [...args, '--config', path], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('session host: one per session, and a signal to stop', () => {
  it('a second host for a live session exits 4, naming the holder, and the first one goes on', async () => {
    w = new World();
    const id = 'lock-1';
    const info = await w.launch(id, {});
    const before = readJournal(w.journal(id)).lastSeq;
    expect(await secondHost(id)).toBe(4);
    expect(readFileSync(join(w.sessionDir(id), 'host.log'), 'utf8')).toContain(`another host (pid ${info.pid}) holds session ${id}; exiting`);
    expect(readJournal(w.journal(id)).lastSeq).toBe(before);
    expect(alive(info.pid)).toBe(true);
    expect(JSON.parse(readFileSync(hostLockPath(w.sessionDir(id)), 'utf8'))).toMatchObject({ pid: info.pid });
    const conn = await w.connect(info);
    expect(conn.hello.pid).toBe(info.pid);
  });

  it('a lock left by a host that died is taken over, and the session starts', async () => {
    w = new World();
    const id = 'lock-2';
    const dir = w.sessionDir(id);
    mkdirSync(dir, { recursive: true });
    // A pid that is not running (the kernel's pid_max is far below it), as a host killed long ago leaves.
    writeFileSync(hostLockPath(dir), JSON.stringify({ pid: 99_999_999, startTime: '12345' }), { mode: 0o600 });
    const info = await w.launch(id, {});
    expect(JSON.parse(readFileSync(hostLockPath(dir), 'utf8'))).toMatchObject({ pid: info.pid });
    // It read its config (which holds the agent's environment) and removed it, as a host that started does.
    expect(existsSync(hostConfigPath(dir))).toBe(false);
  });

  it('SIGTERM to the host stops the agent with the usual grace, journals it, and the host exits', async () => {
    w = new World();
    const id = 'term-1';
    const info = await w.launch(id, {});
    process.kill(info.pid, 'SIGTERM');
    await waitUntil(() => !alive(info.pid), 15_000, 'the host to end after SIGTERM');
    const msgs = readJournal(w.journal(id)).records.map(msgOf);
    expect(msgs).toContainEqual({ stop: { graceMs: 3000 } });
    const exit = msgs.find((m) => typeof m.exit === 'object') as ExitMessage | undefined;
    expect(exit).toMatchObject({ cause: 'stopped', hostPid: info.pid });
    expect(exit?.reaped.length).toBeGreaterThan(0);
    expect(readFileSync(join(w.sessionDir(id), 'host.log'), 'utf8')).toContain('host exiting: agent_exited');
  });
});
