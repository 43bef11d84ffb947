import { agentToolName } from '../../shared/baton-tools';
import type { OrchestratorToolName } from '../../shared/tools';
import { describeReasons, type WakeReason } from './wakes-repository';

const MAX_REASONS = 20;

/**
 * The prompt that wakes an idle orchestrator. Tools are named as its harness
 * shows them to the model (Claude Code: `mcp__baton__list_tasks`), so it calls
 * them at once instead of searching for them or guessing.
 */
export function wakePrompt(reasons: readonly WakeReason[], harness: string): string {
  const tool = (n: OrchestratorToolName): string => agentToolName(harness, n);
  const lines = [`(Baton) Wake-up: ${describeReasons(reasons)}.`];
  for (const r of reasons.slice(0, MAX_REASONS)) lines.push(`- ${r.kind.replace('_', ' ')}${r.title ? `: ${r.title}` : ''}${r.runId ? ` (run ${r.runId})` : ''}${r.sessionId ? ` (worker ${r.sessionId})` : ''}`);
  if (reasons.some((r) => r.kind === 'worker_started')) {
    lines.push(`A person started those workers from the task panel: you hold no claim token for their runs; complete or fail them with claimToken "person".`);
  }
  lines.push(`Read the queue with ${tool('list_tasks')}, claim work with ${tool('claim_next_run')}, and check finished workers with ${tool('worker_status')}.`);
  return lines.join('\n');
}
