// Terminals on a project on an SSH destination (the loopback sshd): the shell runs there, under a terminal host the remote helper launched, reached through a socket the link's master forwards; Disconnected (not lost) while the link is down, and followed again with its scrollback when it returns.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TerminalView } from '../../../src/shared/contracts/terminals';
import { isPidAlive } from '../../../src/main/host/proc';
import { callerOf, createHarness, git, makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { HOST_ALIAS } from '../../support/sshd';
import { useSshdForCores } from './helpers';
import { waitUntil } from '../../support/wait';

const world = useSshdForCores();
let h: Harness;
let linkBroken = false;
const remotePids = new Set<number>();
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  if (linkBroken) await world.sshd.up();
  linkBroken = false;
  await h.cleanup();
  // Terminal hosts outlive a core on purpose: the test's own are ended here.
  for (const pid of remotePids) if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  remotePids.clear();
});

const terminalDirOnRemote = (id: string) => join(world.sshd.remoteHome, '.baton-remote', 'data', 'terminals', id);
const hostPid = (id: string) => (JSON.parse(readFileSync(join(terminalDirOnRemote(id), 'host.json'), 'utf8')) as { pid: number }).pid;
const scrollback = async (call: Caller, id: string) => (await call<{ data: string }>('terminals.scrollback', { id })).data;
const view = async (call: Caller, id: string) => call<TerminalView>('terminals.get', { id });
/** Waits for text on the terminal's screen, as main has it (its mirror of the host's ring). */
const screenShows = (call: Caller, id: string, re: RegExp, what: string) => waitUntil(() => scrollback(call, id), (d) => re.test(d), 20_000, what);

async function remoteProject() {
  const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(dir);
  const repo = makeRepo(dir);
  git(repo, 'switch', '-q', '-c', 'trunk');
  const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
  return { project, repo };
}

async function openThere(projectId: string): Promise<TerminalView> {
  const t = await h.must('terminals.open', { projectId, cols: 100, rows: 30 });
  remotePids.add(hostPid(t.id));
  return t;
}

describe('terminals on an SSH project', { timeout: 150_000 }, () => {
  it('open a shell there: typed commands run on the destination, in the checkout, and their output comes back; kill records the exit', async () => {
    const { project, repo } = await remoteProject();
    const started = Date.now();
    const t = await openThere(project.id);
    // The first open bootstraps the destination (check + copy of the bundle), then launches there.
    console.log(`[figures] remote_terminal_first_open_ms ${Date.now() - started}`);
    expect(t).toMatchObject({ state: 'running', unreachable: null, cwd: repo });
    // Its folder is in the remote install's data dir, not this Baton's.
    expect(existsSync(join(terminalDirOnRemote(t.id), 'scrollback.bin'))).toBe(true);
    expect(existsSync(join(h.dataDir, 'terminals', t.id))).toBe(false);
    const call = callerOf(h.core);
    await h.must('terminals.input', { id: t.id, data: 'echo "sum=$((6*7)) in=$(pwd) id=$BATON_TERMINAL_ID ssh=${SSH_CONNECTION:+yes}"\r' });
    await screenShows(call, t.id, new RegExp(`sum=42 in=${repo} id=${t.id} ssh=yes`), 'the command run there, in the checkout, under sshd');
    await h.must('terminals.input', { id: t.id, data: 'stty size\r' });
    await screenShows(call, t.id, /^30 100\r?$/m, 'the pty size');
    await h.must('terminals.resize', { id: t.id, cols: 90, rows: 20 });
    await h.must('terminals.input', { id: t.id, data: 'stty size\r' });
    await screenShows(call, t.id, /^20 90\r?$/m, 'the size after a resize');

    // The project's run command runs there too, in a terminal of its own (its ports are not scanned: this machine's /proc is not there).
    await h.must('terminals.setRunCommand', { projectId: project.id, command: 'echo "ran-$((1+2)) in $(pwd)"; sleep 60' });
    const run = await h.must('terminals.run', { projectId: project.id });
    remotePids.add(hostPid(run.id));
    expect(run).toMatchObject({ kind: 'run', state: 'running', ports: [] });
    await screenShows(call, run.id, new RegExp(`ran-3 in ${repo}`), 'the run command there');
    expect(await h.must('terminals.kill', { id: run.id })).toMatchObject({ state: 'exited' });

    // An app of this machine cannot open the other machine's folder: said, nothing started.
    expect(await h.call('terminals.openIn', { projectId: project.id, app: 'files' })).toMatchObject({ ok: false, error: { code: 'remote_project', message: expect.stringMatching(/on devbox/) } });

    const host = hostPid(t.id);
    const second = Date.now();
    const other = await openThere(project.id);
    console.log(`[figures] remote_terminal_open_ms ${Date.now() - second}`);
    await h.must('terminals.input', { id: other.id, data: 'echo echo-$((8*8))\r' });
    await screenShows(call, other.id, /echo-64/, 'a command typed in the second terminal');
    // Once its shell is up: a command's output back through the forwarded socket (main's mirror polled every 10 ms).
    const typed = Date.now();
    await h.must('terminals.input', { id: other.id, data: 'echo again-$((9*9))\r' });
    await waitUntil(() => scrollback(call, other.id), (d) => /again-81/.test(d), 10_000, 'a second command', 10);
    console.log(`[figures] remote_terminal_command_roundtrip_ms ${Date.now() - typed}`);
    await h.must('terminals.kill', { id: other.id });
    const killed = await h.must('terminals.kill', { id: t.id });
    expect(killed).toMatchObject({ state: 'exited', unreachable: null });
    await waitUntil(() => isPidAlive(host), (alive) => !alive, 10_000, 'the remote terminal host to end');
    // Closed: its folder there goes too.
    expect(await h.must('terminals.close', { id: t.id, kill: false })).toEqual({ closed: true });
    expect(existsSync(terminalDirOnRemote(t.id))).toBe(false);
  });

  it('a host killed there (the link up) is lost, not Disconnected; Restart opens a new shell there under the old scrollback', async () => {
    const { project } = await remoteProject();
    const t = await openThere(project.id);
    const call = callerOf(h.core);
    await h.must('terminals.input', { id: t.id, data: 'echo first-$((1+1))\r' });
    await screenShows(call, t.id, /first-2/, 'the first output');
    process.kill(hostPid(t.id), 'SIGKILL');
    const lost = await waitUntil(() => view(call, t.id), (v) => v.state !== 'running', 20_000, 'the terminal lost');
    expect(lost).toMatchObject({ state: 'lost', unreachable: null });
    const again = await h.must('terminals.restart', { id: t.id });
    expect(again.state).toBe('running');
    remotePids.add(hostPid(t.id));
    await h.must('terminals.input', { id: t.id, data: 'echo second-$((2+2))\r' });
    await screenShows(call, t.id, /first-2[\s\S]*second-4/, 'the new shell under the old scrollback');
  });

  it('a link drop shows it Disconnected, still running; when the link returns it is followed again with its scrollback and takes input', async () => {
    const { project } = await remoteProject();
    const t = await openThere(project.id);
    const call = callerOf(h.core);
    await h.must('terminals.input', { id: t.id, data: 'echo before-$((1+1)); sleep 3; echo during-$((2+2))\r' });
    await screenShows(call, t.id, /before-2/, 'the first output');
    linkBroken = true;
    await world.sshd.down();
    const down = await waitUntil(() => view(call, t.id), (v) => v.unreachable !== null, 15_000, 'Disconnected');
    expect(down.state).toBe('running');
    expect(down.unreachable).toMatch(/devbox/);
    expect(isPidAlive(hostPid(t.id)), 'the shell runs on there').toBe(true);
    expect(await h.call('terminals.input', { id: t.id, data: 'x' })).toMatchObject({ ok: false, error: { code: 'unreachable', message: expect.stringMatching(/Disconnected/) } });
    expect(await h.call('terminals.kill', { id: t.id })).toMatchObject({ ok: false, error: { code: 'unreachable' } });

    await world.sshd.up();
    linkBroken = false;
    const back = await waitUntil(() => view(call, t.id), (v) => v.unreachable === null, 30_000, 'followed again');
    expect(back.state).toBe('running');
    // What the shell printed while nobody could see it is there: the host kept its ring.
    await screenShows(call, t.id, /before-2[\s\S]*during-4/, 'the scrollback, with what was printed while disconnected');
    await h.must('terminals.input', { id: t.id, data: 'echo after-$((3+4))\r' });
    await screenShows(call, t.id, /after-7/, 'typing again');
  });

  it('survives a restart of Baton with the link down: Disconnected, never lost; back with its scrollback once the link returns', async () => {
    const { project } = await remoteProject();
    const t = await openThere(project.id);
    await h.must('terminals.input', { id: t.id, data: 'echo first-$((5+5))\r' });
    await screenShows(callerOf(h.core), t.id, /first-10/, 'the first output');
    await h.core.close();
    linkBroken = true;
    await world.sshd.down();

    const { core, call } = h.reopen();
    await core.recover();
    const down = await view(call, t.id);
    expect(down).toMatchObject({ state: 'running' });
    expect(down.unreachable).toMatch(/devbox/);
    expect(isPidAlive(hostPid(t.id))).toBe(true);

    await world.sshd.up();
    linkBroken = false;
    await waitUntil(() => view(call, t.id), (v) => v.unreachable === null && v.state === 'running', 30_000, 'followed again after the restart');
    await screenShows(call, t.id, /first-10/, 'the scrollback from before the restart');
    await call('terminals.input', { id: t.id, data: 'echo second-$((6+6))\r' });
    await screenShows(call, t.id, /second-12/, 'typing after the restart');
  });
});
