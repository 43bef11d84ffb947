import { connect } from 'node:net';
import { sessionDir, socketPathFor } from '../../../src/main/host/paths';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { asRpc, isRequest, type JournalRecord } from '../../../src/shared/journal';
import type { SessionState } from '../../../src/shared/session-state';
import { buildTranscript, type Transcript } from '../../../src/shared/transcript';
import { makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { killSessionProcesses } from '../../support/hosts';
import { scriptedCommand, waitUntil } from '../../support/scripted';

/** Long enough for a loaded 2-core machine running six suites; every wait ends early on its signal. */
export const WAIT_MS = 30_000;

/** A prompt containing `hang` opens a tool call and never ends; anything else is answered at once. */
export function lostHostScript(store: string, capabilities = { resume: true, loadSession: true }, extra: unknown[] = []) {
  return {
    store,
    capabilities,
    prompts: [
      ...extra,
      { match: 'hang', steps: [{ type: 'tool_call', id: 'open-{turn}', title: 'Running tests', status: 'in_progress' }, { type: 'hang' }] },
    ],
    default: { steps: [{ type: 'text', text: 'answered {turn}' }] },
  };
}

export async function scriptedProject(h: Harness, script: unknown): Promise<string> {
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'lost' });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), script) } });
  return project.id;
}

export const recordsOf = async (call: Caller, id: string): Promise<JournalRecord[]> =>
  (await call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: 0, limit: 50_000 })).records;
export const transcriptOf = async (call: Caller, id: string): Promise<Transcript> => buildTranscript(await recordsOf(call, id));
export const stateOf = async (call: Caller, id: string): Promise<SessionState> => (await call<SessionSummary>('sessions.get', { id })).state;

export const waitState = (call: Caller, id: string, want: (s: SessionState) => boolean, what: string): Promise<SessionState> =>
  waitUntil(() => stateOf(call, id), want, WAIT_MS, what);

/** Waits until the journal shows the agent has answered `n` prompts and no turn is open. */
export const waitTurnsEnded = (call: Caller, id: string, n: number): Promise<Transcript> =>
  waitUntil(() => transcriptOf(call, id), (t) => !t.turnOpen && t.items.filter((i) => i.type === 'turn_end').length >= n, WAIT_MS, `${n} turn(s) answered by the agent`);

/** The methods main sent the agent, in journal order. */
export const methodsSent = (records: readonly JournalRecord[]): string[] =>
  records.flatMap((r) => {
    const m = asRpc(r.msg);
    return r.dir === 'out' && m && isRequest(m) && typeof m.method === 'string' ? [m.method] : [];
  });

/** How many times the host logged a main connection (its own or any other client's). */

/**
 * The host's link is lost while the core keeps running: `how` does it, then
 * this waits for the core to notice (a sessions.changed after it) and for its
 * lost-host reconcile to settle (recover() waits for those first).
 */
export async function loseLink(h: Harness, core: { recover(): Promise<unknown> }, events: { name: string; payload: unknown }[], id: string, how: () => Promise<void>): Promise<void> {
  const mark = events.length;
  await how();
  await waitUntil(() => events.slice(mark).some((e) => e.name === 'sessions.changed' && (e.payload as { sessionId: string }).sessionId === id), (x) => x, WAIT_MS, 'the core to notice the lost link');
  await core.recover();
}

export const killHostTree = (h: Harness, id: string) => async () => {
  await killSessionProcesses(h.dataDir, id);
};

/**
 * Another client connects to the host's socket (which takes over the
 * connection) and goes away; main's link is closed under it and main
 * reattaches (loseLink waits for that). The host's first frame on the new
 * socket is the positive signal that it took the connection: counting log
 * lines would not do, since the host coalesces its replacement lines.
 */
export const secondConnection = (h: Harness, id: string) => async () => {
  const sock = connect(socketPathFor(sessionDir(h.dataDir, id), id));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the host did not take the second connection')), WAIT_MS);
    sock.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  sock.destroy();
};
