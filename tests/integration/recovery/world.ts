import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { readFileSync, realpathSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPidAlive, processStartTime } from '../../../src/main/host/proc';
import type { AppStatus } from '../../../src/shared/contracts/app';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import type { SessionState } from '../../../src/shared/session-state';
import { killApp, startApp, type AppProcess, type StartOptions } from '../../support/app-process';
import { snapshotBuild } from '../../support/build';
import { makeRepo } from '../../support/core-harness';
import { killSessionProcesses, processesNaming } from '../../support/hosts';
import { ensureHostBuilt } from '../host/helpers';
import { scriptedCommand, waitUntil } from '../../support/scripted';

export interface DbSession {
  id: string;
  state: SessionState;
  hostPid: number | null;
  hostStartTime: string | null;
  lastAppliedSeq: number;
  cwd: string;
  command: { command: string; args: string[] };
}

export interface DbTurn {
  id: string;
  sessionId: string;
  status: string;
  prompt: string;
}

/**
 * One Baton data dir, one git repository and every process started for them.
 * The app runs as a real child process (out/main/serve.js); everything it
 * leaves behind (hosts, agents) is found by the temp dir in its command line.
 */
export class RecoveryWorld {
  /** serve.js to run: a private snapshot of the build (see useSnapshotBuild), else out/main/serve.js. */
  static serveScript: string | undefined;
  readonly base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-recovery-')));
  readonly dataDir = join(this.base, 'data');
  readonly repo: string;
  readonly token = `recovery-token-${randomBytes(16).toString('hex')}`;
  app: AppProcess | null = null;
  projectId = '';

  constructor() {
    mkdirSync(join(this.base, 'repo'));
    this.repo = makeRepo(join(this.base, 'repo'));
  }

  /** Starts the app (with extra env, e.g. a debug point) and waits for its startup reconcile to finish. */
  async start(env: Record<string, string> = {}, opts: Pick<StartOptions, 'onSpawn'> = {}): Promise<AppProcess> {
    const t0 = Date.now();
    const app = await startApp({ dataDir: this.dataDir, token: this.token, env: { BATON_DEBUG_POINT: '', ...env }, serveScript: RecoveryWorld.serveScript, ...opts });
    this.app = app;
    this.lastStart = { openMs: Date.now() - t0, reconciledMs: 0 };
    await waitUntil(() => app.call<AppStatus>('app.status', {}), (s) => s.recovery.lastReconcile !== null && !s.recovery.reconciling, 30_000, 'the startup reconcile');
    this.lastStart.reconciledMs = Date.now() - t0;
    return app;
  }

  /** How long the last start took to print its address, and to finish its reconcile. */
  lastStart = { openMs: 0, reconciledMs: 0 };

  get running(): AppProcess {
    if (!this.app) throw new Error('the app is not running');
    return this.app;
  }

  call<T>(name: string, input: unknown): Promise<T> {
    return this.running.call<T>(name, input);
  }

  /** What every main process of this world printed, oldest first: for a failed soak's artifacts. */
  readonly mainOutputs: string[] = [];

  /** SIGKILL, as a power cut or kill -9 would; resolves once the process is gone. */
  async crash(): Promise<void> {
    const app = this.app;
    this.app = null;
    if (!app) return;
    await killApp(app, 'SIGKILL');
    this.mainOutputs.push(`=== main pid ${app.proc.pid ?? '?'} ===\n${app.output()}`);
  }

  async addProject(script: unknown): Promise<string> {
    const { project } = await this.call<{ project: { id: string } }>('projects.add', { path: this.repo });
    this.projectId = project.id;
    const command = scriptedCommand(this.base, script);
    await this.call('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: command } });
    return project.id;
  }

  get(id: string): Promise<SessionSummary> {
    return this.call<SessionSummary>('sessions.get', { id });
  }

  async records(id: string): Promise<JournalRecord[]> {
    const out: JournalRecord[] = [];
    for (;;) {
      const page = await this.call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: out.at(-1)?.seq ?? 0, limit: 50_000 });
      out.push(...page.records);
      if (page.records.length < 50_000) return out;
    }
  }

  /** host.json as the host wrote it; null when it never got that far. */
  hostFile(id: string): { pid: number; agentPid: number | null; startTime: string } | null {
    try {
      return JSON.parse(readFileSync(join(this.dataDir, 'sessions', id, 'host.json'), 'utf8')) as { pid: number; agentPid: number | null; startTime: string };
    } catch {
      return null;
    }
  }

  /** The database as the dead process left it, read through its own file (never while it runs a write). */
  readDb(): { sessions: DbSession[]; turns: DbTurn[] } {
    const db = new Database(join(this.dataDir, 'baton.db'), { readonly: true, fileMustExist: true });
    try {
      const sessions = db
        .prepare<[], { id: string; state: SessionState; host_pid: number | null; host_start_time: string | null; last_applied_seq: number; cwd: string; command: string }>(
          'SELECT id, state, host_pid, host_start_time, last_applied_seq, cwd, command FROM sessions ORDER BY created_at, id',
        )
        .all()
        .map((r) => ({
          id: r.id,
          state: r.state,
          hostPid: r.host_pid,
          hostStartTime: r.host_start_time,
          lastAppliedSeq: r.last_applied_seq,
          cwd: r.cwd,
          command: JSON.parse(r.command) as DbSession['command'],
        }));
      const turns = db
        .prepare<[], { id: string; session_id: string; status: string; prompt: string }>('SELECT id, session_id, status, prompt FROM turns ORDER BY created_at, rowid')
        .all()
        .map((r) => ({ id: r.id, sessionId: r.session_id, status: r.status, prompt: r.prompt }));
      return { sessions, turns };
    } finally {
      db.close();
    }
  }

  /** The host the database names is this very process: alive, and started when it was recorded. */
  static hostAlive(s: DbSession): boolean {
    return s.hostPid !== null && isPidAlive(s.hostPid) && processStartTime(s.hostPid) === s.hostStartTime;
  }

  /** SIGKILLs a session's host; its agent then sees stdin close and exits, as it would after a real crash. */
  async killHost(id: string): Promise<boolean> {
    return (await killSessionProcesses(this.dataDir, id, { agent: false })).length > 0;
  }

  async cleanup(): Promise<void> {
    await this.crash().catch(() => undefined);
    // Hosts, agents and tools are detached from us; the temp dir in their command lines gives them away.
    for (let round = 0; round < 3 && killAllMentioning(this.base) > 0; round++) await new Promise((r) => setTimeout(r, 100));
    rmSync(this.base, { recursive: true, force: true });
  }
}

export function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function killAllMentioning(text: string): number {
  const pids = processesNaming(text);
  for (const pid of pids) kill(pid);
  return pids.length;
}

/**
 * For beforeAll/afterAll: builds if needed, then runs every app of the file
 * from a private copy of the build, so a rebuild elsewhere in the tree
 * cannot pull serve.js from under a test that restarts it again and again.
 */
export function useSnapshotBuild(): { before: () => void; after: () => void } {
  let remove = () => {};
  return {
    before: () => {
      ensureHostBuilt();
      const snap = snapshotBuild();
      RecoveryWorld.serveScript = snap.serve;
      remove = snap.remove;
    },
    after: () => {
      RecoveryWorld.serveScript = undefined;
      remove();
    },
  };
}
