import { z } from 'zod';
import { visibleText } from '../hidden-chars';
import { domain, event, procedure } from '../contract';
import { APPROVAL_POLICIES } from '../approval';
import { HARNESS_IDS } from '../harness';
import { JournalRecordSchema } from '../journal';
import { SESSION_STATES } from '../session-state';

const Id = z.string().min(1).max(100);

export const ARCHIVED_FILTERS = ['hide', 'include', 'only'] as const;
export type ArchivedFilter = (typeof ARCHIVED_FILTERS)[number];

export const SessionSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  role: z.enum(['worker', 'orchestrator']),
  harness: z.string(),
  title: z.string(),
  state: z.enum(SESSION_STATES),
  /**
   * Idle with its agent and host stopped by Baton to free their memory; the
   * next prompt resumes the conversation. Main always sends it; absent reads as false.
   */
  hibernated: z.boolean().optional(),
  /**
   * Its host could not be reached (the SSH link to its machine is down): the agent runs on there and its state
   * stays as it was; Baton reattaches and catches up when the link returns. Main always sends it; absent reads as null.
   */
  disconnected: z.object({ since: z.string(), reason: z.string() }).nullable().optional(),
  /** Why the session is in its state (a failure's reason, say), for people. */
  stateDetail: z.string().nullable(),
  branch: z.string().nullable(),
  worktreePath: z.string().nullable(),
  lastSeq: z.number().int(),
  /** The database and the journal disagreed at a reconcile; the journal won. Shown until acknowledged. */
  divergence: z.object({ detail: z.string(), detectedAt: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** A person archived it (review.archive): off the board, its uncommitted work kept under `preservedRef`. Null when on the board. */
  archived: z.object({ at: z.string(), preservedRef: z.string().nullable() }).nullable().optional(),
  /**
   * Its host is attached and its agent running (main knows; for 'Idle · agent not running'). Absent from an
   * older main: unknown.
   */
  agentRunning: z.boolean().optional(),
  /** A prompt has been sent to its idle agent and is not in the journal yet: its turn is starting (shown Working). Absent from an older main: false. */
  promptSent: z.boolean().optional(),
  /** The session's own approval policy; null: it follows its project's. Absent from an older main: null. */
  approvalPolicy: z.enum(APPROVAL_POLICIES).nullable().optional(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** A permission request waiting on a person, with every option the agent offers (see PendingRequestFact in src/shared/inbox.ts). */
export const PendingRequest = z.object({
  requestKey: z.string(),
  title: z.string(),
  toolKind: z.string(),
  toolCallId: z.string().nullable(),
  options: z.array(z.object({ optionId: z.string(), name: z.string(), kind: z.string() })),
  since: z.string(),
});
export type PendingRequest = z.infer<typeof PendingRequest>;

/** One line the agent wrote on stderr, numbered from 1 over the session's life (ADR 0025). */
export const AgentLogLine = z.object({ n: z.number().int(), ts: z.number(), text: z.string() });
export type AgentLogLine = z.infer<typeof AgentLogLine>;
/** What the agent-log pane reads first, and `baton session log`: the newest 256 KiB by default. */
export const AGENT_LOG_TAIL_BYTES = 256 * 1024;

export const sessionsContract = domain({
  procedures: {
    /** `archived`: `hide` (the board, by default), `include`, or `only` (the archive filter). */
    list: procedure(z.object({ projectId: Id.optional(), archived: z.enum(ARCHIVED_FILTERS).default('hide') }).strict(), z.array(SessionSummary)),
    get: procedure(z.object({ id: Id }).strict(), SessionSummary),
    /** The card appears at once (pending); the agent starts in the background. */
    create: procedure(
      z
        .object({
          projectId: Id,
          harness: z.enum(HARNESS_IDS).optional(),
          title: visibleText(z.string().trim().min(1).max(120), 'session title').optional(),
          /** The worker's branch; by default `baton/<prefix>-<title slug>-<id>`. Git's own rules are checked in main. */
          branch: visibleText(z.string().trim().min(1, 'Give the branch a name, or leave it out to derive one from the title.').max(200), 'branch name').optional(),
          prompt: z.string().trim().min(1, 'Say what the agent should do.').max(200_000),
          /** The branch its worktree starts from and its changes are compared and merged against; the project's base when left out. It must exist. */
          baseBranch: visibleText(z.string().trim().min(1).max(250), 'base branch name')
            .refine((b) => !b.startsWith('-'), 'A branch name cannot start with "-".')
            .optional(),
        })
        .strict(),
      SessionSummary,
    ),
    /**
     * Journal records after `afterSeq`, for the transcript; page with `limit`. With `beforeSeq`, the newest `limit`
     * records below it instead (still in seq order): a transcript opens on its last page and reads back as it scrolls.
     */
    records: procedure(
      z
        .object({
          id: Id,
          afterSeq: z.number().int().min(0).default(0),
          beforeSeq: z.number().int().min(1).optional(),
          limit: z.number().int().min(1).max(50_000).default(10_000),
        })
        .strict(),
      z.object({ records: z.array(JournalRecordSchema), lastSeq: z.number().int() }),
    ),
    /** The idempotency key makes a retried send (after a reconnect, a double click) one turn. */
    prompt: procedure(
      z.object({ id: Id, text: z.string().trim().min(1).max(200_000), idempotencyKey: z.string().min(8).max(100) }).strict(),
      z.object({ turnId: z.string(), duplicate: z.boolean() }),
    ),
    cancel: procedure(z.object({ id: Id }).strict(), z.object({ cancelled: z.boolean() })),
    stop: procedure(z.object({ id: Id }).strict(), SessionSummary),
    answerPermission: procedure(
      z.object({ id: Id, requestKey: z.string().min(1).max(200), optionId: z.string().max(200).nullable() }).strict(),
      z.object({ answered: z.boolean() }),
    ),
    /** The permission requests waiting on a person now, oldest first. */
    pending: procedure(z.object({ id: Id }).strict(), z.array(PendingRequest)),
    /**
     * This session's own approval policy (null: follow the project's). Requests waiting now that it covers are
     * answered at once, journaled and marked auto-approved.
     */
    setApprovalPolicy: procedure(z.object({ id: Id, policy: z.enum(APPROVAL_POLICIES).nullable() }).strict(), SessionSummary),
    retry: procedure(z.object({ id: Id }).strict(), SessionSummary),
    /** Stopped → running again: its agent is started and its conversation resumed (or reloaded) when the agent can. */
    restart: procedure(z.object({ id: Id }).strict(), SessionSummary),
    /** Interrupted → running again; says whether the conversation was resumed, reloaded, or started anew with context. */
    continue: procedure(z.object({ id: Id }).strict(), z.object({ how: z.enum(['new', 'resume', 'load']) })),
    acknowledgeDivergence: procedure(z.object({ id: Id }).strict(), SessionSummary),
    /**
     * The newest lines the agent wrote on stderr (never in the transcript), whose text adds up to at most `maxBytes`,
     * read where its host keeps them, so they outlive the agent and a restart of Baton. Then follow `agentLog`.
     */
    agentLog: procedure(
      z.object({ id: Id, maxBytes: z.number().int().min(1).max(1024 * 1024).default(AGENT_LOG_TAIL_BYTES) }).strict(),
      z.object({ lines: z.array(AgentLogLine), truncated: z.boolean() }),
    ),
  },
  events: {
    /**
     * A session's state or another of its facts changed: read its summary again. Its last seq moving while it
     * streams is not one (`records` carries the seqs; a summary read at any time has the current one).
     */
    changed: event(z.object({ sessionId: z.string(), projectId: z.string() })),
    /**
     * New journal records, sent only after they are committed to the events table. Per session (the topic): the page
     * takes the open session's alone, not every live agent's lines (issue 16); without a topic, every session's.
     */
    records: event(z.object({ sessionId: z.string(), records: z.array(JournalRecordSchema) }), { topic: (r) => r.sessionId, anyTopic: true }),
    /** New agent-log lines, live while its host is attached; after a reconnect, resync with the `agentLog` procedure (line numbers dedupe). */
    agentLog: event(z.object({ sessionId: z.string(), lines: z.array(AgentLogLine) })),
  },
});
