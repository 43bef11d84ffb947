import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrchestratorStatus, ReplacementView } from '../../../src/shared/contracts/orchestrator';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { git, type Caller } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';

/** An orchestrator agent that answers every prompt and keeps no turn open. */
export const ORCHESTRATOR_SCRIPT = { default: { steps: [{ type: 'text', text: 'Orchestrating.' }] } };

export async function waitReplacement(call: Caller, projectId: string, pred: (r: ReplacementView) => boolean, what: string, ms = 30_000): Promise<ReplacementView> {
  const st = await waitUntil(() => call<OrchestratorStatus>('orchestrator.status', { projectId }), (s) => !!s.replacement && pred(s.replacement), ms, what);
  return st.replacement as ReplacementView;
}

export async function orchestratorTranscript(call: Caller, id: string) {
  return buildTranscript((await call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: 0, limit: 50_000 })).records);
}

/**
 * A first orchestrator is started by the saga, which ends by prompting it with
 * its handoff: until that turn ends the session is busy and refuses prompts.
 */
export async function handoffDone(call: Caller, id: string): Promise<void> {
  await waitUntil(() => orchestratorTranscript(call, id), (t) => !t.turnOpen && t.items.some((i) => i.type === 'turn_end'), 30_000, 'the handoff turn');
  await waitUntil(() => call<SessionSummary>('sessions.get', { id }), (s) => s.state === 'idle', 10_000, 'idle after the handoff');
}

/** Leaves uncommitted work in a worktree: a modified tracked file and an untracked one. */
export function dirty(worktree: string): void {
  writeFileSync(join(worktree, 'README.md'), '# changed by the old orchestrator\n');
  writeFileSync(join(worktree, 'notes.txt'), 'plans that were never committed\n');
}

/** What the preserved ref holds for the files `dirty` wrote. */
export function preservedFiles(repo: string, ref: string): { readme: string; notes: string } {
  return { readme: git(repo, 'show', `${ref}:README.md`), notes: git(repo, 'show', `${ref}:notes.txt`) };
}

export async function orchestrators(call: Caller, projectId: string): Promise<SessionSummary[]> {
  return (await call<SessionSummary[]>('sessions.list', { projectId })).filter((s) => s.role === 'orchestrator');
}

export const gone = (p: string): boolean => !existsSync(p);
