import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { databasePath } from '../../src/main/app/paths';
import { isPidAlive } from '../../src/main/host/proc';
import { createProjector } from '../../src/main/sessions/projection';
import { createEventsRepository } from '../../src/main/sessions/events-repository';
import { createSessionsRepository } from '../../src/main/sessions/repository';
import { createTurnsRepository } from '../../src/main/sessions/turns-repository';
import { openDatabase } from '../../src/main/store/db';
import type { JournalRecord } from '../../src/shared/journal';
import type { SessionState } from '../../src/shared/session-state';
import { ENDINGS, syntheticJournal, writeJournal, type Ending } from './synthetic-journals';

export interface SeededSession {
  id: string;
  ending: Ending;
  /** What the recovery table says the session must become. */
  expected: SessionState;
  /** The journal's last seq before reconcile (a marker may follow). */
  journalSeq: number;
  /** What the database had applied. */
  dbSeq: number;
}

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = r.pid ?? 0;
  if (pid <= 0 || isPidAlive(pid)) throw new Error(`pid ${pid} is alive`);
  return pid;
}

/**
 * Sessions in live states whose hosts are gone, seeded through the real
 * repositories and projector: each has a journal of about `linesPerSession`
 * lines on disk, and a database that applied only its first `appliedShare`
 * (turn rows included), a stale host.json naming a dead pid, and for some a
 * stale host.lock, as a killed host leaves them.
 */
export function seedSessions(opts: {
  dataDir: string;
  projectId: string;
  cwd: string;
  count: number;
  linesPerSession: number;
  appliedShare?: number;
  endings?: readonly Ending[];
  /** An agent message appended as each journal's last line, for a bench to find the end of a transcript by. */
  finalMessage?: string;
}): SeededSession[] {
  const opened = openDatabase(databasePath(opts.dataDir));
  if (!opened.ok) throw new Error(opened.error.message);
  const db = opened.value;
  const sessions = createSessionsRepository(db);
  const events = createEventsRepository(db);
  const turns = createTurnsRepository(db);
  const projector = createProjector({ db, sessions, events, turns });
  const endings = opts.endings ?? (Object.keys(ENDINGS) as Ending[]);
  const pid = deadPid();
  const out: SeededSession[] = [];
  try {
    for (let i = 0; i < opts.count; i++) {
      const ending = endings[i % endings.length] as Ending;
      const id = randomUUID();
      const j = syntheticJournal({ target: opts.linesPerSession, ending, seed: i + 1 });
      if (opts.finalMessage) {
        const msg = { jsonrpc: '2.0', method: 'session/update', params: { sessionId: `agent-${i + 1}`, update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: opts.finalMessage } } } };
        j.lines.push(JSON.stringify({ v: 1, seq: j.lines.length + 1, ts: 1_764_000_000_000 + j.lines.length * 20, dir: 'in', msg }));
      }
      writeJournal(opts.dataDir, id, j.lines);
      sessions.insert({ id, projectId: opts.projectId, role: 'worker', harness: 'custom', command: { command: 'agent', args: ['--acp'] }, title: `Session ${i}`, worktreeId: null, cwd: opts.cwd });
      sessions.transition(id, 'starting', 'spawn');
      const host = { pid, startTime: '12345', nonce: randomUUID(), socket: join(opts.dataDir, 'sessions', id, 'host.sock') };
      sessions.setHost(id, host);
      writeFileSync(join(opts.dataDir, 'sessions', id, 'host.json'), JSON.stringify({ v: 1, protocol: 1, sessionId: id, ...host, startedAt: 0, agentPid: pid, launchId: randomUUID() }));
      if (i % 3 === 0) writeFileSync(join(opts.dataDir, 'sessions', id, 'host.lock'), JSON.stringify({ pid, startTime: '12345' }));
      sessions.setAgent(id, `agent-${i + 1}`, { loadSession: true });
      sessions.transition(id, 'idle', 'connected');
      const dbState = ENDINGS[ending].db;
      if (dbState !== 'idle') sessions.transition(id, 'busy', 'prompt_sent');
      if (dbState === 'waiting_input') sessions.transition(id, 'waiting_input', 'permission_requested');
      for (const t of j.turns) turns.insertDispatching({ id: t.id, sessionId: id, idempotencyKey: `key-${t.id}`, prompt: t.prompt });
      const applied = Math.floor(j.lines.length * (opts.appliedShare ?? 0.5));
      const records = j.lines.slice(0, applied).map((l) => JSON.parse(l) as JournalRecord);
      for (let k = 0; k < records.length; k += 5000) projector.apply(id, records.slice(k, k + 5000));
      out.push({ id, ending, expected: ENDINGS[ending].expected, journalSeq: j.lines.length, dbSeq: applied });
    }
  } finally {
    db.close();
  }
  return out;
}
