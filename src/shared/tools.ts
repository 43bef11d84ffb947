import { z } from 'zod';
import { visibleText } from './hidden-chars';
import { TaskStatus } from './contracts/tasks';

/**
 * The orchestrator's tools, declared once: the MCP bridge lists them to the
 * agent, and main validates and runs them, scoped to the calling
 * orchestrator's own project. Every input is strict: an argument a tool does
 * not take (a typo, a guess) is refused rather than dropped, so an agent never
 * believes it was honoured.
 */
const RunId = z.string().min(1).max(100).describe('The run id, from list_tasks or claim_next_run.');
const ClaimToken = z.string().min(1).max(200).describe('The claim token claim_next_run returned for this run; "person" for a run whose worker a person started from the task panel.');
const SessionId = z.string().min(1).max(100).describe("A worker session id (from spawn_worker or a run's workerSessionId).");

export const ORCHESTRATOR_TOOLS = {
  list_tasks: {
    description: "Lists this project's tasks with their newest run (status, worker, summary). Optionally only open, done or canceled ones.",
    input: z.object({ status: TaskStatus.optional() }).strict(),
  },
  wait_for_changes: {
    description:
      'Waits until something needs you: a run enqueued, retried, recovered or back in the queue, or a worker ending its turn. Returns at once if something already happened, else after timeoutSeconds (default 120, at most 600) with no changes.',
    input: z.object({ timeoutSeconds: z.number().int().min(0).max(600).optional() }).strict(),
  },
  claim_next_run: {
    description: 'Claims the next queued run (highest priority, oldest first). Returns the run, its task and a claim token you need to spawn a worker for it, complete it or fail it; or null when the queue is empty.',
    input: z.object({}).strict(),
  },
  heartbeat_run: {
    description: "Extends a claimed run's lease. Not needed while a worker serves the run: its life keeps the lease.",
    input: z.object({ runId: RunId, claimToken: ClaimToken }).strict(),
  },
  complete_run: {
    description: 'Marks a claimed run completed with a summary of what was done; its task becomes done.',
    input: z.object({ runId: RunId, claimToken: ClaimToken, summary: z.string().min(1).max(20_000) }).strict(),
  },
  fail_run: {
    description: 'Marks a claimed run failed with a summary of why. People can retry it from the task panel.',
    input: z.object({ runId: RunId, claimToken: ClaimToken, summary: z.string().min(1).max(20_000) }).strict(),
  },
  spawn_worker: {
    description: "Starts a worker session for a claimed run, in its own worktree and branch, with the run's task as its first prompt (or the prompt you give).",
    input: z.object({ runId: RunId, claimToken: ClaimToken, prompt: z.string().min(1).max(200_000).optional(), title: visibleText(z.string().min(1).max(120), 'session title').optional() }).strict(),
  },
  send_to_worker: {
    description: 'Sends a message to one of this project\'s workers as its next prompt (it must be idle).',
    input: z.object({ sessionId: SessionId, text: z.string().min(1).max(200_000) }).strict(),
  },
  worker_status: {
    description: "Reads a worker's state and its last messages.",
    input: z.object({ sessionId: SessionId }).strict(),
  },
  stop_worker: {
    description: 'Stops a worker session and every process it started.',
    input: z.object({ sessionId: SessionId }).strict(),
  },
  get_worker_diff: {
    description:
      "A worker's changes against the base branch (committed, staged, unstaged and untracked), from git: each file with its status and +/- counts, and the patch up to maxPatchBytes (default 60000; files past it are listed without their patch). stat: true for the list only; scope uncommitted for what is not committed yet.",
    input: z.object({ sessionId: SessionId, stat: z.boolean().optional(), scope: z.enum(['all', 'uncommitted', 'since_turn']).optional(), maxPatchBytes: z.number().int().min(0).max(1_000_000).optional() }).strict(),
  },
  merge_worker: {
    description:
      "Merges a worker's committed branch into the project's base branch (mode merge, squash or rebase), by the same rules as the app: a conflict or a dirty checkout of the base is reported (nothing changed), never half-merged.",
    input: z.object({ sessionId: SessionId, mode: z.enum(['merge', 'squash', 'rebase']).optional(), message: z.string().min(1).max(100_000).optional() }).strict(),
  },
} as const;

export type OrchestratorToolName = keyof typeof ORCHESTRATOR_TOOLS;
export const ORCHESTRATOR_TOOL_NAMES = Object.keys(ORCHESTRATOR_TOOLS) as OrchestratorToolName[];
export type ToolInput<N extends OrchestratorToolName> = z.infer<(typeof ORCHESTRATOR_TOOLS)[N]['input']>;

// Zod-free, so the MCP bridge imports them alone (it runs where Baton's node_modules are not).
export { MCP_TOKEN_FILE_ARG, MCP_TOKEN_VAR } from './tool-args';
