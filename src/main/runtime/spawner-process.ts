/**
 * The spawner: a small long-lived child of main that starts git for it (ADR 0030).
 *
 * libuv's spawn returns only once the child has exec'd, which on a loaded machine holds the caller's event loop
 * 15–94 ms per git (ADR 0029). Started here, that wait holds this process's loop, not main's, and forking a
 * 40 MB process is cheaper than forking main. It was started with the person's umask (git writes their
 * repository), and it never changes it.
 *
 * Requests arrive as JSON lines on stdin: `{t:'run', id, command, args, cwd, env, input?, group}` (input base64)
 * and `{t:'kill', id}`. Answers are binary frames on stdout, `[type u8][id u32][length u32][payload]`: 1 stdout
 * bytes, 2 stderr bytes, 3 the end as JSON `{code, error?: {code, message}}`. stdin closing (main gone) ends it;
 * gits still running are left to finish, as main's own would be.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { killGroup } from '../lib/child-runner';

interface RunRequest {
  t: 'run';
  id: number;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  input?: string;
  group: boolean;
}
interface KillRequest {
  t: 'kill';
  id: number;
}

const running = new Map<number, ChildProcess>();
const groups = new Map<number, boolean>();

function frame(type: number, id: number, payload: Buffer): void {
  const head = Buffer.alloc(9);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(id, 1);
  head.writeUInt32BE(payload.length, 5);
  process.stdout.write(Buffer.concat([head, payload]));
}

function end(id: number, body: { code: number | null; error?: { code: string; message: string } }): void {
  running.delete(id);
  groups.delete(id);
  frame(3, id, Buffer.from(JSON.stringify(body)));
}

function run(r: RunRequest): void {
  let child: ChildProcess;
  try {
    child = spawn(r.command, r.args, { cwd: r.cwd, env: r.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, detached: r.group });
  } catch (e) {
    const x = e as NodeJS.ErrnoException;
    end(r.id, { code: null, error: { code: x.code ?? 'EUNKNOWN', message: x.message } });
    return;
  }
  running.set(r.id, child);
  groups.set(r.id, r.group);
  let spawnError: NodeJS.ErrnoException | null = null;
  child.stdout?.on('data', (d: Buffer) => frame(1, r.id, d));
  child.stderr?.on('data', (d: Buffer) => frame(2, r.id, d));
  child.on('error', (e: NodeJS.ErrnoException) => (spawnError = e));
  // The child may exit before reading all of its input; that EPIPE is its exit code's business.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(r.input ? Buffer.from(r.input, 'base64') : '');
  child.on('close', (code) => {
    const e = spawnError as NodeJS.ErrnoException | null;
    end(r.id, e ? { code: null, error: { code: e.code ?? 'EUNKNOWN', message: e.message } } : { code });
  });
}

function kill(id: number): void {
  const child = running.get(id);
  if (!child?.pid) return;
  // Its own process group: git and every hook it started.
  killGroup(child.pid, groups.get(id) ?? false, () => child.kill('SIGKILL'));
  // Answered by main already; a hook that escaped the group could hold the pipes open.
  child.stdout?.destroy();
  child.stderr?.destroy();
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let req: RunRequest | KillRequest;
  try {
    req = JSON.parse(line) as RunRequest | KillRequest;
  } catch {
    return; // Only main writes here; a line it did not mean is dropped.
  }
  if (req.t === 'run') run(req);
  else if (req.t === 'kill') kill(req.id);
});
lines.on('close', () => {
  // Main is gone. What runs finishes on its own (its output has nowhere to go); this process leaves now.
  for (const c of running.values()) c.unref();
  process.exit(0);
});
process.stdout.on('error', () => process.exit(0));
// A terminal's Ctrl+C or a service manager's SIGTERM reaches main's whole process group. Main may still be finishing
// (a worktree add, a commit): this process stays until main closes its stdin, so those gits are answered.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
