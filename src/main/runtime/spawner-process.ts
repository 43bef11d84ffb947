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
 * bytes, 2 stderr bytes, 3 the end as JSON `{code, error?: {code, message}}`, 4 the child's pid (u32) once
 * spawned, so main can still kill it if this process is gone. stdin closing (main gone) ends it;
 * gits still running are left to finish, as main's own would be.
 */
import { createInterface } from 'node:readline';
import { directRunner, type ChildOutcome, type ChildRun } from '../lib/child-runner';

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

const running = new Map<number, ChildRun>();

function frame(type: number, id: number, payload: Buffer): void {
  const head = Buffer.alloc(9);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(id, 1);
  head.writeUInt32BE(payload.length, 5);
  process.stdout.write(Buffer.concat([head, payload]));
}

function end(id: number, o: ChildOutcome): void {
  running.delete(id);
  frame(3, id, Buffer.from(JSON.stringify(o.ok ? { code: o.code } : { code: null, error: { code: o.code, message: o.message } })));
}

/** The same spawn as main's own (lib/child-runner), its output streamed to main as it arrives. */
function run(r: RunRequest): void {
  const child = directRunner.run(r.command, r.args, {
    cwd: r.cwd,
    env: r.env,
    group: r.group,
    ...(r.input ? { input: Buffer.from(r.input, 'base64') } : {}),
    onData: (stream, d) => frame(stream === 'stdout' ? 1 : 2, r.id, d),
  });
  running.set(r.id, child);
  if (child.pid !== undefined) {
    const pid = Buffer.alloc(4);
    pid.writeUInt32BE(child.pid, 0);
    frame(4, r.id, pid);
  }
  void child.done.then((o) => end(r.id, o));
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
  // Answered by main already: git and every hook it started (its process group) are killed.
  else if (req.t === 'kill') running.get(req.id)?.kill();
});
lines.on('close', () => {
  // Main is gone. What runs finishes on its own (its output has nowhere to go); this process leaves now.
  process.exit(0);
});
process.stdout.on('error', () => process.exit(0));
// A terminal's Ctrl+C or a service manager's SIGTERM reaches main's whole process group. Main may still be finishing
// (a worktree add, a commit): this process stays until main closes its stdin, so those gits are answered.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
