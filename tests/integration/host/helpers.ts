import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPidAlive, listProcesses, processesWithEnv } from '../../../src/main/host/proc';
import { socketPathFor } from '../../../src/main/host/paths';
import type { HostConfig, HostFile, JournalRecord } from '../../../src/main/host/protocol';
import { connectHost, type HostConnection } from '../../../src/main/runtime/connection';
import { chooseHostRuntime, findNativeHost } from '../../../src/main/runtime/host-runtime';
import { launchHost } from '../../../src/main/runtime/launch';
import { buildOnce } from '../../support/build';
import { until } from '../../support/wait';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const HOST_SCRIPT = join(root, 'out/main/host.js');
/**
 * The command line of the host under test, before `--config <path>`, for a test that starts one itself: the
 * program launchHost would run, by its own rule (runtime/host-runtime.ts). Asked after ensureHostBuilt.
 */
export function hostCommand(): string[] {
  const choice = chooseHostRuntime(undefined);
  const native = choice.ok && choice.value.runtime === 'native' ? findNativeHost(choice.value.from) : null;
  return native?.ok ? [native.value] : [process.execPath, HOST_SCRIPT];
}
export const AGENT = join(root, 'tests/fixtures/scripted-agent/agent.mjs');

function newest(dir: string): number {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    m = Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return m;
}

/** buildOnce() keys on serve.js (and rebuilds the native host); the host bundle is checked too, so a host-only edit is never tested stale. */
export function ensureHostBuilt(): void {
  buildOnce();
  if (!existsSync(HOST_SCRIPT) || statSync(HOST_SCRIPT).mtimeMs < newest(join(root, 'src/main/host'))) {
    execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  }
}

export type Step = Record<string, unknown>;
export interface Script {
  prompts?: Array<{ match?: string; steps: Step[]; stopReason?: string }>;
  capabilities?: { loadSession?: boolean; resume?: boolean };
  initialize?: Record<string, unknown>;
  load?: Record<string, unknown>;
}

/** One test's world: a data dir, a worktree dir, the agent's store, and every process to clean up. */
export class World {
  readonly base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-host-')));
  readonly dataDir = join(this.base, 'data');
  readonly cwd = join(this.base, 'worktree');
  readonly store = join(this.base, 'agent-store');
  readonly hostPids = new Set<number>();
  readonly extraPids = new Set<number>();
  private conns: HostConnection[] = [];

  constructor() {
    for (const d of [this.dataDir, this.cwd, this.store]) execFileSync('mkdir', ['-p', d]);
  }

  sessionDir(id: string): string {
    return join(this.dataDir, 'sessions', id);
  }

  /**
   * A host config for `id` as launchHost writes one, for a test that starts a host itself (launchHost refuses a
   * second host, and gives a host a minimal environment); its path under `name` in the session dir.
   */
  hostConfig(id: string, o: Pick<HostConfig, 'command' | 'args' | 'launchId'> & { socketSuffix?: string }, name = 'host-config.json'): string {
    const dir = this.sessionDir(id);
    mkdirSync(dir, { recursive: true });
    const config: HostConfig = { v: 1, sessionId: id, dataDir: this.dataDir, cwd: this.cwd, command: o.command, args: o.args, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, socketPath: `${socketPathFor(dir, id)}${o.socketSuffix ?? ''}`, launchId: o.launchId, fsyncIntervalMs: 100 };
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(config), { mode: 0o600 });
    return path;
  }

  journal(id: string): string {
    return join(this.sessionDir(id), 'journal.jsonl');
  }

  agentEnv(script: Script, sessionId: string): Record<string, string> {
    const scriptPath = join(this.base, `script-${sessionId}.json`);
    writeFileSync(scriptPath, JSON.stringify(script));
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SCRIPTED_AGENT_SCRIPT: scriptPath,
      SCRIPTED_AGENT_STORE: this.store,
      SCRIPTED_AGENT_JOURNAL: this.journal(sessionId),
    };
  }

  async launch(sessionId: string, script: Script, extra: { command?: string; args?: string[]; cwd?: string } = {}): Promise<HostFile> {
    const r = await launchHost({
      sessionId,
      dataDir: this.dataDir,
      cwd: extra.cwd ?? this.cwd,
      command: extra.command ?? process.execPath,
      args: extra.args ?? [AGENT],
      env: this.agentEnv(script, sessionId),
      // Used by the node runtime only: under BATON_HOST_RUNTIME=native, launchHost starts the native host.
      hostScript: HOST_SCRIPT,
    });
    if (!r.ok) throw new Error(`launch failed: ${r.error.code}: ${r.error.message}`);
    this.hostPids.add(r.value.pid);
    return r.value;
  }

  async connect(target: string | HostFile): Promise<HostConnection> {
    const r = await connectHost(target);
    if (!r.ok) throw new Error(`connect failed: ${r.error.code}: ${r.error.message}`);
    this.conns.push(r.value);
    return r.value;
  }

  /** Every process still carrying this world's agent store in its environment: the agent and all it started. */
  agentProcesses(): number[] {
    return processesWithEnv(`SCRIPTED_AGENT_STORE=${this.store}`).map((p) => p.pid);
  }

  children(): Array<{ pid: number; toolCallId: string }> {
    const p = join(this.store, 'children.jsonl');
    if (!existsSync(p)) return [];
    return readFileSync(p, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pid: number; toolCallId: string });
  }

  permissions(): Array<{ toolCallId: string; outcome: { outcome: string; optionId?: string } }> {
    const p = join(this.store, 'permissions.jsonl');
    if (!existsSync(p)) return [];
    return readFileSync(p, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { toolCallId: string; outcome: { outcome: string; optionId?: string } });
  }

  /** Kills whatever a test left behind (hosts, agents, tool processes), then removes the files. */
  cleanup(): void {
    for (const c of this.conns) c.close();
    const pids = new Set([...this.hostPids, ...this.extraPids, ...this.agentProcesses()]);
    for (const p of this.children()) pids.add(p.pid);
    for (const pid of pids) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // Already gone: the usual case when the test passed.
        }
      }
    }
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** A line-level JSON-RPC client over a host connection: enough to drive a turn without main's ACP client. */
export class Peer {
  readonly records: JournalRecord[] = [];
  private waiters: Array<() => void> = [];
  private n = 0;
  /** Request ids must not collide with an earlier peer's, whose answers are in the journal too. */
  private readonly prefix = `t${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    readonly conn: HostConnection,
    private readonly onRecordHook?: (r: JournalRecord) => void,
  ) {}

  attach(fromSeq = 0): Promise<number> {
    return this.conn.attach(fromSeq, (r) => {
      this.onRecordHook?.(r);
      this.records.push(r);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Sends a request and resolves with the agent's response message. */
  async request(method: string, params: unknown, timeoutMs = 10_000): Promise<{ id: unknown; result?: Record<string, unknown>; error?: { code: number; message: string } }> {
    const id = `${this.prefix}-${++this.n}`;
    this.conn.send({ jsonrpc: '2.0', id, method, params });
    const r = await this.waitFor((x) => x.dir === 'in' && msgOf(x).id === id && msgOf(x).method === undefined, timeoutMs, `response to ${method}`);
    return r.msg as { id: unknown; result?: Record<string, unknown> };
  }

  notify(method: string, params: unknown): void {
    this.conn.send({ jsonrpc: '2.0', method, params });
  }

  respond(id: unknown, result: unknown): void {
    this.conn.send({ jsonrpc: '2.0', id, result });
  }

  async waitFor(pred: (r: JournalRecord) => boolean, timeoutMs = 10_000, what = 'a record'): Promise<JournalRecord> {
    const deadline = Date.now() + timeoutMs;
    let checked = 0;
    for (;;) {
      // Only records not looked at yet: a long burst must not make every wake rescan all of them.
      for (; checked < this.records.length; checked++) {
        const r = this.records[checked] as JournalRecord;
        if (pred(r)) return r;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; last records: ${JSON.stringify(this.records.slice(-3))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** initialize + session/new, as a client would; returns the agent's session id. */
  async open(cwd: string): Promise<string> {
    const init = await this.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
    if (init.error) throw new Error(init.error.message);
    const s = await this.request('session/new', { cwd, mcpServers: [] });
    if (!s.result) throw new Error(`session/new failed: ${JSON.stringify(s.error)}`);
    return String(s.result.sessionId);
  }
}

export const msgOf = (r: JournalRecord): Record<string, unknown> => (r.msg ?? {}) as Record<string, unknown>;

export const updateOf = (r: JournalRecord): Record<string, unknown> | null => {
  const m = msgOf(r);
  if (r.dir !== 'in' || m.method !== 'session/update') return null;
  return ((m.params as Record<string, unknown>)?.update ?? null) as Record<string, unknown> | null;
};

export const textOf = (r: JournalRecord): string | null => {
  const u = updateOf(r);
  return u?.sessionUpdate === 'agent_message_chunk' ? String((u.content as { text?: string })?.text) : null;
};

export function expectContiguous(records: JournalRecord[], from = 1): void {
  records.forEach((r, i) => {
    if (r.seq !== from + i) throw new Error(`seq ${r.seq} at index ${i}, expected ${from + i}`);
  });
}

/** The shared helper (tests/support/wait.ts) with this file's argument order. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await until(cond, what, timeoutMs, 20);
}

/** Every live process in the given process groups (a tool's group outlives its leader). */
export function groupMembers(pgids: number[]): number[] {
  const set = new Set(pgids);
  return listProcesses()
    .filter((p) => set.has(p.pgid) && p.state !== 'Z')
    .map((p) => p.pid);
}

export const alive = (pid: number): boolean => isPidAlive(pid);
