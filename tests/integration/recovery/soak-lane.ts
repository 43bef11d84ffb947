import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPidAlive } from '../../../src/main/host/proc';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildTranscript } from '../../../src/shared/transcript';
import { waitUntil } from '../../support/scripted';
import { checkProjection, checkRecovered, snapshot } from './invariants';
import { journalFacts, readDiskJournal } from './journal-facts';
import { seededRandom, type Rng } from '../../support/random';
import { soakScript } from './scripts';
import { kill, RecoveryWorld, type DbSession } from './world';

/** The soak's choices: the same seed gives the same plan. */
export const rng = (seed: number): Rng => seededRandom(seed);

export interface LaneOptions {
  seed: number;
  kills: number;
  sessions: number;
  /** Set by another lane that failed: stop at the next restart. */
  aborted: () => boolean;
}

export interface LaneStats {
  mainKills: number;
  startupKills: number;
  hostKills: number;
  agentKills: number;
  continues: number;
  retries: number;
  prompts: number;
  permissions: number;
  /** Restarts of main with a host crash point passed on to the hosts it launches. */
  armedStarts: number;
  hostCrashPointsFired: number;
  turnsEnded: number;
  /** Where the lane's time went, in ms: the app running before a kill, restarts up to their reconcile, checks. */
  liveMs: number;
  restartMs: number;
  checkMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Probabilities per cycle; a host kill makes the next recovery find a dead host (interrupted, then Continue). */
const P_HOST_KILL = 0.12;
const P_AGENT_KILL = 0.03;
const P_STARTUP_KILL = 0.25;
const P_ARM_HOSTS = 0.4;
/** How long a main may take to clear a ghost or to take an answer it has just been offered. */
const TRANSIENT_MS = 10_000;
const MAX_LIVE_MS = 450;

/**
 * One data dir, one app, a few sessions running multi-tool turns; main is
 * SIGKILLed at random instants (sometimes during its own startup), now and
 * then a host or an agent too. After every restart that gets as far as its
 * reconcile, every session is checked against the recovery table and its
 * journal. Then the sessions are driven on: idle ones get a prompt,
 * interrupted ones Continue, failed ones Retry.
 */
export class SoakLane {
  readonly stats: LaneStats = { mainKills: 0, startupKills: 0, hostKills: 0, agentKills: 0, continues: 0, retries: 0, prompts: 0, permissions: 0, armedStarts: 0, hostCrashPointsFired: 0, turnsEnded: 0, liveMs: 0, restartMs: 0, checkMs: 0 };
  private readonly trace: string[] = [];
  private readonly r: ReturnType<typeof rng>;
  private readonly w = new RecoveryWorld();
  private ids: string[] = [];
  private promptNo = 0;
  private readonly firstSeen = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly o: LaneOptions,
  ) {
    this.r = rng(o.seed);
  }

  /** The last things this lane did, for the failure message. */
  recent(): string {
    return this.trace.slice(-40).join('\n');
  }

  async run(): Promise<LaneStats> {
    const { w } = this;
    await w.start();
    await w.addProject(soakScript());
    for (let i = 0; i < this.o.sessions; i++) {
      const s = await w.call<SessionSummary>('sessions.create', { projectId: w.projectId, prompt: `Soak session ${i}: run the steps`, harness: 'custom' });
      this.ids.push(s.id);
    }
    while (this.stats.mainKills < this.o.kills && !this.o.aborted()) {
      const t0 = Date.now();
      await this.drive();
      await this.liveFor();
      await this.maybeKillHostOrAgent();
      this.stats.liveMs += Date.now() - t0;
      await w.crash();
      this.stats.mainKills++;
      this.log(`kill #${this.stats.mainKills} (main)`);
      await this.restartAndCheck();
    }
    await this.drain();
    return this.stats;
  }

  async cleanup(): Promise<void> {
    await this.w.cleanup();
  }

  /**
   * Everything needed to read a failure afterwards, into `dir`: every
   * session's journal, torn tail and host log, the database (with its WAL),
   * the lane's whole trace and what each main process printed. Main is
   * killed first, so the database is what a restart would find.
   */
  async saveArtifacts(dir: string): Promise<void> {
    const { w } = this;
    await w.crash().catch(() => undefined);
    mkdirSync(dir, { recursive: true });
    const sessions = join(w.dataDir, 'sessions');
    for (const id of existsSync(sessions) ? readdirSync(sessions) : []) {
      for (const f of ['journal.jsonl', 'journal.torn', 'host.log', 'host.json']) {
        const from = join(sessions, id, f);
        if (existsSync(from)) cpSync(from, join(dir, 'sessions', id, f));
      }
    }
    for (const f of readdirSync(w.dataDir).filter((x) => x.startsWith('baton.db'))) cpSync(join(w.dataDir, f), join(dir, f));
    writeFileSync(join(dir, 'trace.log'), `${this.trace.join('\n')}\n`);
    writeFileSync(join(dir, 'main.log'), w.mainOutputs.join('\n'));
  }

  private log(line: string): void {
    this.trace.push(`[${this.name} ${new Date().toISOString().slice(11, 23)}] ${line}`);
  }

  /** Restarts main; sometimes kills it again mid-startup first (mid-migration, mid-reconcile, mid-marker). */
  private async restartAndCheck(): Promise<void> {
    const { w } = this;
    while (this.r.next() < P_STARTUP_KILL && this.stats.mainKills < this.o.kills) {
      const after = this.r.int(0, 450);
      let proc: ChildProcess | null = null;
      const timer = setTimeout(() => proc?.kill('SIGKILL'), after);
      try {
        await w.start({}, { onSpawn: (p) => (proc = p) });
        // It got through its startup before the kill: kill it now.
        await w.crash();
      } catch {
        // Killed before it was ready: that is the point.
      } finally {
        clearTimeout(timer);
        w.app = null;
      }
      this.stats.mainKills++;
      this.stats.startupKills++;
      this.log(`kill #${this.stats.mainKills} (during startup, ${after} ms after spawn)`);
    }
    const before = snapshot(w);
    const t0 = Date.now();
    await w.start(this.hostCrashPoint([...before.values()].some((b) => b.expected.kind === 'resent' || (b.expected.kind === 'state' && b.expected.state !== 'stopped'))));
    const t1 = Date.now();
    this.stats.restartMs += t1 - t0;
    this.log(`restarted: listening after ${w.lastStart.openMs} ms, reconciled after ${w.lastStart.reconciledMs} ms`);
    for (const id of this.ids) {
      const b = before.get(id);
      if (!b) throw new Error(`session ${id} is missing from the database`);
      this.log(`check ${id.slice(0, 8)}: was ${b.db.state}, host ${b.hostAlive ? 'alive' : 'gone'}, turn ${b.facts.turnOpen ? 'open' : 'closed'}, journal ${b.journalLength}`);
      await checkRecovered(w, id, b, `${this.name}/${id.slice(0, 8)}`);
    }
    this.stats.checkMs += Date.now() - t1;
  }

  /**
   * Now and then main is started with a host crash point, which it passes to
   * every host it launches (Continue, Retry, a resumed idle session): that
   * host then dies on its own at its Nth record, torn mid-write or just
   * after it, while a main is attached or while none is. Never near the end,
   * so the drain is not left with armed hosts.
   */
  private hostCrashPoint(willLaunch: boolean): Record<string, string> {
    // Only worth it when this main will launch hosts: a session it will find interrupted, failed or detached.
    if (!willLaunch || this.o.kills - this.stats.mainKills < 10 || this.r.next() >= P_ARM_HOSTS) return {};
    const spec = `${this.r.pick(['mid_journal_write', 'after_journal_append'] as const)}:${this.r.int(2, 30)}`;
    // A host crash point fires once per data dir (recovery must not crash again at the same place); the soak re-arms it.
    rmSync(join(this.w.dataDir, 'debug-point.fired'), { force: true });
    this.stats.armedStarts++;
    this.log(`main started with BATON_DEBUG_POINT=${spec} for the hosts it launches`);
    return { BATON_DEBUG_POINT: spec };
  }

  /**
   * A session may show busy with its host gone only until main notices the
   * loss and reconciles it on its own (no ghosts); one still like that
   * several seconds on, under the same main, fails the soak.
   */
  private expectNoGhosts(list: SessionSummary[]): void {
    const db = new Map(this.w.readDb().sessions.map((s) => [s.id, s]));
    for (const s of list) {
      if ((s.state !== 'busy' && s.state !== 'waiting_input') || RecoveryWorld.hostAlive(db.get(s.id) as DbSession)) continue;
      this.log(`${s.id.slice(0, 8)} is ${s.state} with its host gone`);
      this.expectTransient(`ghost:${s.id}`, `${this.name}/${s.id.slice(0, 8)} still ${s.state} with its host gone: nothing reconciled it`);
    }
  }

  /** Tolerates a condition seen under one main for a few seconds (it may be on its way out), not longer. */
  private expectTransient(what: string, failure: string): void {
    const key = `${this.w.app?.proc.pid ?? 0}:${what}`;
    const first = this.firstSeen.get(key) ?? Date.now();
    this.firstSeen.set(key, first);
    if (Date.now() - first > TRANSIENT_MS) throw new Error(failure);
  }

  /**
   * How long main lives before the next kill: a random instant, or (every
   * other time) long enough for sessions being started to come up first, so
   * that runs make progress and not only starts get cut short.
   */
  private async liveFor(): Promise<void> {
    if (this.r.next() < 0.5) return sleep(this.r.int(0, MAX_LIVE_MS));
    const extra = this.r.int(0, MAX_LIVE_MS / 2);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const list = await this.w.call<SessionSummary[]>('sessions.list', {});
      if (!list.some((s) => s.state === 'starting' || s.state === 'pending')) break;
      await sleep(50);
    }
    return sleep(extra);
  }

  /** Moves every session along; calls are not awaited to their end, since main may die under them at any moment. */
  private async drive(only: (id: string) => boolean = () => true, answerOnly = false): Promise<void> {
    const { w } = this;
    const list = await w.call<SessionSummary[]>('sessions.list', {});
    if (!answerOnly) this.expectNoGhosts(list);
    for (const s of list.filter((x) => only(x.id))) {
      const facts = journalFacts(readDiskJournal(w.dataDir, s.id).records);
      const fire = (name: string, input: unknown) =>
        void w.call(name, input).catch((e: Error) => {
          if (!/app_gone/.test(e.message)) this.log(`${name} ${s.id.slice(0, 8)} refused: ${e.message}`);
        });
      if (answerOnly && s.state !== 'waiting_input') continue;
      if (s.state === 'idle' && !facts.turnOpen) {
        this.stats.prompts++;
        fire('sessions.prompt', { id: s.id, text: `Run the steps again (${++this.promptNo})`, idempotencyKey: `${this.name}-prompt-${this.promptNo}` });
        this.log(`prompt ${s.id.slice(0, 8)}`);
      } else if (s.state === 'interrupted') {
        this.stats.continues++;
        fire('sessions.continue', { id: s.id });
        this.log(`continue ${s.id.slice(0, 8)}`);
      } else if (s.state === 'waiting_input') {
        await this.answer(s.id);
      } else if (s.state === 'failed') {
        this.stats.retries++;
        fire('sessions.retry', { id: s.id });
        this.log(`retry ${s.id.slice(0, 8)} (${s.stateDetail ?? ''})`);
      }
    }
  }

  /**
   * Allows the newest pending request: whoever asked, before or after a
   * restart, it is offered again to each new main. Main may refuse an answer
   * for a moment (the request not yet handed to its SDK), not for long.
   */
  private async answer(id: string): Promise<void> {
    const { w } = this;
    const pending = buildTranscript(await w.records(id)).items.findLast((i) => i.type === 'permission' && i.outcome === null);
    if (pending?.type !== 'permission') return;
    this.stats.permissions++;
    const r = await w.call<{ answered: boolean }>('sessions.answerPermission', { id, requestKey: pending.requestKey, optionId: 'allow' }).catch(() => null);
    this.log(`allow ${pending.requestKey} of ${id.slice(0, 8)}: ${r === null ? 'app gone' : r.answered ? 'answered' : 'refused'}`);
    if (r === null || r.answered) return;
    this.expectTransient(`refused:${id}:${pending.requestKey}`, `${this.name}/${id.slice(0, 8)}: main keeps refusing the answer to permission request ${pending.requestKey}: it was never offered again`);
  }

  private async maybeKillHostOrAgent(): Promise<void> {
    const roll = this.r.next();
    const id = this.r.pick(this.ids);
    if (roll < P_HOST_KILL) {
      if (await this.w.killHost(id)) {
        this.stats.hostKills++;
        this.log(`killed the host of ${id.slice(0, 8)}`);
      }
    } else if (roll < P_HOST_KILL + P_AGENT_KILL) {
      const host = this.w.hostFile(id);
      if (host?.agentPid && isPidAlive(host.pid)) {
        kill(host.agentPid);
        this.stats.agentKills++;
        this.log(`killed the agent of ${id.slice(0, 8)}`);
        // Its host journals the exit and ends: wait for that, so the snapshot does not race a host on its way out.
        await waitUntil(() => isPidAlive(host.pid), (alive) => !alive, 15_000, `the host of ${id.slice(0, 8)} to end after its agent`);
      }
    }
  }

  /**
   * No more kills: every session must come back to work and finish a turn
   * of its own, and then the event table equals the journal, line for line.
   */
  private async drain(): Promise<void> {
    const { w } = this;
    this.log('drain');
    const ended = new Map(this.ids.map((id) => [id, journalFacts(readDiskJournal(w.dataDir, id).records).turnsEnded]));
    await waitUntil(
      async () => {
        await this.drive((id) => journalFacts(readDiskJournal(w.dataDir, id).records).turnsEnded <= (ended.get(id) ?? 0));
        await sleep(300);
        const list = await w.call<SessionSummary[]>('sessions.list', {});
        return list.map((s) => ({ id: s.id, state: s.state, ended: journalFacts(readDiskJournal(w.dataDir, s.id).records).turnsEnded }));
      },
      (xs) => xs.every((x) => x.ended > (ended.get(x.id) ?? 0) && x.state !== 'failed' && x.state !== 'interrupted'),
      90_000,
      `${this.name}: every session to finish a turn after the last kill`,
    );
    // Let the turns started by the last drive end too, then compare everything.
    for (const id of this.ids) {
      await waitUntil(
        async () => {
          await this.drive((x) => x === id, true);
          return { s: await w.get(id), facts: journalFacts(readDiskJournal(w.dataDir, id).records) };
        },
        ({ s, facts }) => s.state === 'idle' && !facts.turnOpen && s.lastSeq === readDiskJournal(w.dataDir, id).records.length,
        60_000,
        `${this.name}/${id.slice(0, 8)} to settle`,
      );
      await checkProjection(w, id, true, `${this.name}/${id.slice(0, 8)}`);
      this.stats.turnsEnded += journalFacts(readDiskJournal(w.dataDir, id).records).turnsEnded;
    }
    // The hosts' own logs say which armed crash points actually fired.
    this.stats.hostCrashPointsFired = this.ids.reduce((n, id) => n + (readText(join(w.dataDir, 'sessions', id, 'host.log')).match(/debug point/g)?.length ?? 0), 0);
    const open = w.readDb().turns.filter((t) => t.status === 'running');
    if (open.length > 0) throw new Error(`${this.name}: turns still running in an idle world: ${JSON.stringify(open)}`);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
