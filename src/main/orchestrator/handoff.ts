import { buildTranscript, lastAgentMessages } from '../../shared/transcript';
import type { EventsRepository } from '../sessions/events-repository';
import type { SessionsRepository } from '../sessions/repository';
import type { ReplacementRecord } from './repository';

const LAST_MESSAGES = 3;
const MESSAGE_CHARS = 1500;

/**
 * The new orchestrator's first prompt: who it replaces, where that one's
 * uncommitted work is, what it last said, and what is still open. It starts
 * with no memory of the old conversation, so this is its continuity.
 */
export function handoffPrompt(deps: { sessions: SessionsRepository; events: EventsRepository; openTasks?: (projectId: string) => string[] }, r: ReplacementRecord): string {
  const old = r.oldSessionId ? deps.sessions.get(r.oldSessionId) : null;
  const lines = ['(Baton) You are now the orchestrator of this project, on its canonical branch.'];
  if (!old) {
    lines.push('There was no previous orchestrator.');
  } else {
    lines.push(`You replace the previous orchestrator session ${old.id} (${old.harness}), which was stopped and retired.`);
    if (r.preservedRef) lines.push(`Its uncommitted work is preserved at ${r.preservedRef} (inspect it with \`git show ${r.preservedRef}\`; restore it with \`git restore --source=${r.preservedRef} --worktree -- .\`).`);
    const said = lastAgentMessages(buildTranscript(deps.events.list(old.id)), LAST_MESSAGES);
    if (said.length > 0) {
      lines.push('Its last messages:');
      for (const m of said) lines.push(`> ${m.trim().slice(0, MESSAGE_CHARS).replace(/\n/g, '\n> ')}`);
    }
  }
  const tasks = deps.openTasks?.(r.projectId) ?? [];
  lines.push(tasks.length > 0 ? `Open tasks:\n${tasks.map((t) => `- ${t}`).join('\n')}` : 'There are no open tasks in the queue.');
  lines.push('Read the state of the repository and carry on coordinating the work.');
  return lines.join('\n\n');
}
