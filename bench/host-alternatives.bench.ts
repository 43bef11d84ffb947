import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { test } from 'vitest';
import { connectHost } from '../src/main/runtime/connection';
import type { HostRuntime } from '../src/main/runtime/host-runtime';
import { launchHost } from '../src/main/runtime/launch';
import { buildOnce, ensureNativeHost } from '../tests/support/build';
import { waitUntil } from '../tests/support/wait';
import { bareNodeRssMb, cpuTicks, pct, privateMb, rssMb, tempDir } from './support/app';

/**
 * The runtimes a session host could use (issue 16's "measure the alternatives", ADR 0022), each doing a host's
 * per-line work and nothing else (bench/support/relay): 20 sessions, each fed 100 lines a second (2,000 in all, the
 * live bench's rate) from this process, each line journaled and forwarded to a Unix socket here.
 * - `baton_host`: Baton's own session host (out/main/host.js), the reference (its agent is `cat` on a FIFO);
 * - `baton_native_host`: the same with the native session host (out/native/baton-host, native/host), where it is built;
 * - `node_per_session`: a Node process per session, as Baton runs its hosts, doing only the relay's work;
 * - `node_mux`: one Node process for all 20, on one event loop (no isolation: one session's bug or blocked loop is
 *   every session's);
 * - `node_workers`: one Node process, each session on a worker thread (its own heap and loop; a crash of the process
 *   still takes all 20);
 * - `compiled`: a C program per session (`cc -O2`), for what a host in a compiled language would cost at the least.
 * Per variant: `host_alt_<v>_rss_mb_per_session` and `_private_mb_per_session` (the process's memory over the
 * sessions it holds), `_cpu_us_per_line`, and `_p99_ms` from this process's write of a line to its record coming
 * back on the socket. Baseline in the same run: a bare Node process's RSS (`host_alt_bare_node_rss_mb`).
 * BENCH_RELAY_SECONDS sets the stream (default 10 s).
 */

const SESSIONS = 20;
const PER_SECOND = 100;
const SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 10);
const ROOT = join(__dirname, '..');
const RELAY_DIR = join(__dirname, 'support', 'relay');

interface Running {
  /** The processes whose CPU and memory are the variant's (the relays, or Baton's hosts without their agents). */
  pids: number[];
  inputs: Writable[];
}

/** What to undo after a variant, recorded as each process starts, so a start that fails halfway leaves nothing behind. */
type Track = (undo: () => void) => void;

const kill = (pid: number | null | undefined): void => {
  try {
    if (pid) process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
};

/** Where a variant's relays or hosts send their records, and how it hears of each line back. */
interface Sink {
  socket: string;
  /** How many relays have connected to the socket. */
  connections: () => number;
  /** A line came back: its stamp (this process's clock when it was written). */
  line: (stamp: number) => void;
}

interface Variant {
  name: string;
  start: (sink: Sink, dir: string, track: Track) => Promise<Running>;
}

function spawnTracked(track: Track, command: string, args: string[], extraPipes = 0): ChildProcess {
  const p = spawn(command, args, { stdio: ['pipe', 'ignore', 'inherit', ...Array<'pipe'>(extraPipes).fill('pipe')] });
  track(() => kill(p.pid));
  return p;
}

const node = (track: Track, args: string[], extraPipes: number): ChildProcess => spawnTracked(track, process.execPath, [join(RELAY_DIR, 'relay.mjs'), ...args], extraPipes);

const pipesOf = (p: ChildProcess, n: number): Writable[] => Array.from({ length: n }, (_, i) => p.stdio[3 + i] as Writable);

/** Relays report to the bench's socket: ready once every session's relay has connected. */
async function relays(sink: Sink, procs: ChildProcess[], inputs: Writable[], name: string): Promise<Running> {
  await waitUntil(() => sink.connections(), (n) => n === SESSIONS, 30_000, `${name}: ${SESSIONS} relays connected`, 20);
  return { pids: procs.map((p) => p.pid!), inputs };
}

/**
 * Baton's own session host (out/main/host.js, or the native one), the reference: its agent is `cat` reading a FIFO
 * the bench writes (so the agent costs what a C program costs), each host attached to by this process as main
 * attaches to it. The host does more than a relay: it parses each line, keeps a ring of recent records, and syncs
 * its journal every 100 ms (ADR 0031).
 */
async function batonHosts(sink: Sink, dir: string, track: Track, runtime: HostRuntime): Promise<Running> {
  buildOnce();
  const pids: number[] = [];
  const inputs: Writable[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const fifo = join(dir, `in-${i}`);
    execFileSync('mkfifo', [fifo]);
    const launched = await launchHost({ sessionId: `alt-${i}`, dataDir: join(dir, 'data'), cwd: dir, command: '/bin/cat', args: [fifo], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, runtime, hostScript: join(ROOT, 'out/main/host.js') });
    if (!launched.ok) throw new Error(`host ${i}: ${launched.error.message}`);
    const host = launched.value;
    track(() => [host.pid, host.agentPid].forEach(kill));
    pids.push(host.pid);
    const input = createWriteStream(fifo);
    track(() => input.destroy());
    inputs.push(input);
    const conn = await connectHost(host);
    if (!conn.ok) throw new Error(`host ${i}: ${conn.error.message}`);
    track(() => conn.value.close());
    await conn.value.attach(0, (r) => {
      const t = (r.msg as { params?: { t?: number } } | null)?.params?.t;
      if (r.dir === 'in' && typeof t === 'number') sink.line(t);
    });
  }
  return { pids, inputs };
}

function variants(compiledBin: string | null, nativeHost: boolean): Variant[] {
  const list: Variant[] = [
    // Each row names its runtime: BATON_HOST_RUNTIME in the bench's environment cannot turn one into the other.
    { name: 'baton_host', start: (sink, dir, track) => batonHosts(sink, dir, track, 'node') },
    ...(nativeHost ? [{ name: 'baton_native_host', start: (sink: Sink, dir: string, track: Track) => batonHosts(sink, dir, track, 'native') }] : []),
    {
      name: 'node_per_session',
      start: (sink, dir, track) => {
        const procs = Array.from({ length: SESSIONS }, (_, i) => {
          mkdirSync(join(dir, String(i)));
          return node(track, [sink.socket, join(dir, String(i)), 'one'], 0);
        });
        return relays(sink, procs, procs.map((p) => p.stdin!), 'node_per_session');
      },
    },
    {
      name: 'node_mux',
      start: (sink, dir, track) => {
        const p = node(track, [sink.socket, dir, 'mux', String(SESSIONS)], SESSIONS);
        return relays(sink, [p], pipesOf(p, SESSIONS), 'node_mux');
      },
    },
    {
      name: 'node_workers',
      start: (sink, dir, track) => {
        const p = node(track, [sink.socket, dir, 'workers', String(SESSIONS)], SESSIONS);
        return relays(sink, [p], pipesOf(p, SESSIONS), 'node_workers');
      },
    },
  ];
  if (compiledBin) {
    list.push({
      name: 'compiled',
      start: (sink, dir, track) => {
        const procs = Array.from({ length: SESSIONS }, (_, i) => spawnTracked(track, compiledBin, [sink.socket, join(dir, `journal-${i}.jsonl`)]));
        return relays(sink, procs, procs.map((p) => p.stdin!), 'compiled');
      },
    });
  }
  return list;
}

/** A C compiler builds relay.c, or null (with the reason printed) where there is none. */
function compileRelay(dir: string): string | null {
  const bin = join(dir, 'relay');
  try {
    execFileSync('cc', ['-O2', '-o', bin, join(RELAY_DIR, 'relay.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return bin;
  } catch (e) {
    console.log(`host-alternatives: the compiled variant is skipped: cc could not build relay.c (${(e as Error).message.split('\n')[0]})`);
    return null;
  }
}

/** Runs one variant: its relays (or hosts) ready, the stream, then its memory once every line has come back. */
async function measure(v: Variant, base: string): Promise<void> {
  const dir = join(base, v.name);
  mkdirSync(dir);
  let connections = 0;
  let received = 0;
  const latency: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  const line = (stamp: number): void => {
    latency.push(Date.now() - stamp);
    received++;
  };
  const server: Server = createServer((c) => {
    connections++;
    /** A record split across two reads, finished by the next one. */
    let partial = '';
    c.on('data', (d: Buffer) => {
      const lines = (partial + d.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        const at = l.indexOf('"t":');
        if (at >= 0) line(Number(l.slice(at + 4, l.indexOf(',', at))));
      }
    });
  });
  const socket = join(dir, 's.sock');
  await new Promise<void>((r) => server.listen(socket, r));
  const undo: Array<() => void> = [];
  try {
    const { pids, inputs } = await v.start({ socket, connections: () => connections, line }, dir, (u) => undo.push(u));
    const ticks0 = pids.reduce((s, pid) => s + cpuTicks(pid), 0);
    const started = Date.now();
    let sent = 0;
    const perSession = PER_SECOND * SECONDS;
    // Each session writes every 10 ms, the sessions spread over those 10 ms as independent agents would be.
    await Promise.all(
      inputs.map(
        (input, i) =>
          new Promise<void>((done) => {
            let n = 0;
            timers.push(
              setTimeout(() => {
                const t = setInterval(() => {
                  input.write(`{"jsonrpc":"2.0","method":"session/update","params":{"t":${Date.now()},"update":{"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":"some agent text, as a real turn would stream it"}}}}\n`);
                  sent++;
                  if (++n === perSession) {
                    clearInterval(t);
                    done();
                  }
                }, 1000 / PER_SECOND);
                timers.push(t);
              }, (i * 1000) / PER_SECOND / SESSIONS),
            );
          }),
      ),
    );
    await waitUntil(() => received, (n) => n === sent, 60_000, `${v.name}: every line back`, 20);
    const seconds = (Date.now() - started) / 1000;
    const cpuUs = ((pids.reduce((s, pid) => s + cpuTicks(pid), 0) - ticks0) * 10_000) / sent;
    const rss = pids.reduce((s, pid) => s + rssMb(pid), 0) / SESSIONS;
    const priv = pids.reduce((s, pid) => s + privateMb(pid), 0) / SESSIONS;
    latency.sort((a, b) => a - b);
    console.log(`bench: host_alt_${v.name}_rss_mb_per_session = ${rss.toFixed(1)}`);
    console.log(`bench: host_alt_${v.name}_private_mb_per_session = ${priv.toFixed(1)}`);
    console.log(`bench: host_alt_${v.name}_cpu_us_per_line = ${cpuUs.toFixed(0)}`);
    console.log(`bench: host_alt_${v.name}_p99_ms = ${pct(latency, 99)}`);
    console.log(`bench: host_alt_${v.name}_lines_per_s = ${Math.round(sent / seconds)}`);
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const u of undo.reverse()) u();
    await new Promise((r) => server.close(r));
  }
}

test('a host per session in Node, one Node process for 20 (one loop, or a worker each), a compiled host: memory and CPU a line', { timeout: 600_000 }, async () => {
  const base = tempDir('baton-bench-hostalt-');
  try {
    const compiled = compileRelay(base);
    const native = ensureNativeHost();
    if (!native.built) console.log(`host-alternatives: the baton_native_host variant is skipped: the native session host is not built (${native.reason ?? 'unknown'})`);
    console.log(`bench: host_alt_bare_node_rss_mb = ${(await bareNodeRssMb()).toFixed(1)}`);
    for (const v of variants(compiled, native.built)) await measure(v, base);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
