/**
 * The remote helper's (remote.js) answers, checked before main uses them. The helper is Baton's own code, shipped
 * by hash, but it runs on another machine and its answer crosses a link: a helper from another build, a damaged
 * file there or something else printing on stdout must be refused with what was wrong, not read as if it were
 * right. Each schema is typed against the interface it checks (`satisfies`), so the two cannot drift apart.
 */
import { z } from 'zod';
import { JournalRecordSchema, type JournalRecord } from '../../../shared/journal';
import { fail, ok, type Result } from '../../../shared/result';
import type { AgentLogLine, HostFile } from '../../host/protocol';
import type { Liveness } from '../../host/liveness';
import type { AgentLogTail, JournalTail } from '../../sessions/host-port';
import type { TerminalExitFact, TerminalHostInfo, TerminalScrollback } from '../../terminals/host-port';
import { REMOTE_HELPER_PROTOCOL, type TailAnswer } from './helper-protocol';
import type { TerminalAliveAnswer, TerminalExitAnswer, TerminalScrollbackAnswer } from './remote-terminal';

const int = z.number().int();

/**
 * A `Result` as every helper verb that can refuse answers it. Its `value` is checked by `value`; the review and
 * worktree verbs answer many shapes, so they check the envelope (`ok`, and an error's code and message) only.
 */
export function resultOf<T>(value: z.ZodType<T>): z.ZodType<Result<T>> {
  return z.union([
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: z.looseObject({ code: z.string(), message: z.string() }) }),
  ]) as z.ZodType<Result<T>>;
}

/** JSON drops an `undefined` value (a `Result<void>`), so here `value` may be missing. */
export const AnyResultSchema = resultOf(z.unknown().optional());

/** A verb whose answer main does not read (`terminal remove`): only that it was JSON. */
export const AnyAnswerSchema = z.unknown();

export const HostFileSchema = z.object({
  v: z.number(),
  protocol: z.number(),
  sessionId: z.string(),
  pid: int,
  startTime: z.string(),
  startedAt: z.number(),
  nonce: z.string(),
  socket: z.string(),
  agentPid: int.nullable(),
  launchId: z.string(),
}) satisfies z.ZodType<HostFile>;

const LivenessSchema = z.union([z.object({ alive: z.literal(true) }), z.object({ alive: z.literal(false), reason: z.string() })]) satisfies z.ZodType<Liveness>;

/** `probe`: the session's host.json there and whether its process runs. */
export const ProbeAnswerSchema = z.object({ host: HostFileSchema.nullable(), liveness: LivenessSchema });

/** `journal`: the records in the range asked for, and what the read skipped. */
export const JournalAnswerSchema = z.object({ records: z.array(JournalRecordSchema), diagnostics: z.array(z.string()) }) satisfies z.ZodType<{ records: JournalRecord[]; diagnostics: string[] }>;

const AgentLogLineSchema = z.object({ n: int, ts: z.number(), text: z.string() }) satisfies z.ZodType<AgentLogLine>;
export const AgentLogAnswerSchema = z.object({ lines: z.array(AgentLogLineSchema), truncated: z.boolean() }) satisfies z.ZodType<AgentLogTail>;

const JournalTailSchema = z.object({
  lastSeq: int,
  turnOpen: z.boolean(),
  pendingPermission: z.boolean(),
  exit: z.object({ code: int.nullable(), signal: z.string().nullable() }).nullable(),
  turnOpenAtExit: z.boolean(),
  interruptedMarker: z.boolean(),
}) satisfies z.ZodType<JournalTail>;

/** `tail`: its `v` is checked before its shape, as every answer's is (`checkAnswer`). */
export const TailAnswerSchema = z.object({
  v: z.number(),
  journalBytes: z.number(),
  tail: JournalTailSchema,
  lines: z.array(z.object({ seq: int, text: z.string() })),
}) satisfies z.ZodType<TailAnswer>;

export const AppendAnswerSchema = resultOf(JournalRecordSchema);
export const LaunchAnswerSchema = resultOf(HostFileSchema);

const TerminalHostInfoSchema = z.looseObject({ pid: int, startTime: z.string(), nonce: z.string(), socket: z.string() }) satisfies z.ZodType<TerminalHostInfo>;
export const TerminalLaunchAnswerSchema = resultOf(TerminalHostInfoSchema);

const TerminalExitFactSchema = z.object({
  code: int.nullable(),
  signal: int.nullable(),
  cause: z.enum(['exited', 'killed', 'spawn_failed', 'host_failed']),
  error: z.string().optional(),
}) satisfies z.ZodType<TerminalExitFact>;

export const TerminalAliveAnswerSchema = z.object({ v: z.number(), alive: z.boolean() }) satisfies z.ZodType<TerminalAliveAnswer>;
export const TerminalExitAnswerSchema = z.object({ v: z.number(), exit: TerminalExitFactSchema.nullable() }) satisfies z.ZodType<TerminalExitAnswer>;
const TerminalScrollbackSchema = z.object({ start: int, end: int, data: z.string() }) satisfies z.ZodType<TerminalScrollback>;
export const TerminalScrollbackAnswerSchema = z.object({ v: z.number(), scrollback: TerminalScrollbackSchema }) satisfies z.ZodType<TerminalScrollbackAnswer>;

/** `remote-setup.ts`'s script: whether every setup command passed, and their output. */
export const SetupAnswerSchema = z.object({ ok: z.boolean(), log: z.string() });

/** `bootstrap.ts`'s install script: whether it copied the bundle, or why it could not. */
export const InstallAnswerSchema = z.object({ copied: z.boolean().optional(), error: z.string().optional() });

/** The helper's stdout as JSON, or null when it is not JSON at all (then its stderr says why). */
export function parseAnswer(stdout: Buffer): unknown {
  try {
    return JSON.parse(stdout.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The first thing wrong with an answer, said briefly: "records.3.seq: expected number". */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not the expected shape';
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/**
 * A parsed answer checked: first its version, where it carries one (a helper from another build says so by its
 * `v`), then its shape (a damaged file there). Nothing is installed again by itself: the bundle is sent whole, and
 * an answer that stays unreadable would send it on every call. Whoever reads the refusal is told how to have Baton
 * install its own.
 */
export function checkAnswer<T>(schema: z.ZodType<T>, answer: unknown, where: { dest: string; bundleDir: string; what: string }): Result<T> {
  const again = `Remove ${where.bundleDir} there and Baton installs its own again on the next use.`;
  const v = typeof answer === 'object' && answer !== null && 'v' in answer ? answer.v : undefined;
  if (typeof v === 'number' && v !== REMOTE_HELPER_PROTOCOL) return fail('protocol_mismatch', `Baton's helper on ${where.dest} speaks protocol ${v}; this Baton speaks ${REMOTE_HELPER_PROTOCOL}. ${again}`);
  const checked = schema.safeParse(answer);
  if (checked.success) return ok(checked.data);
  return fail('helper_unreadable', `Baton's helper on ${where.dest} answered ${where.what} with something Baton cannot read (${firstIssue(checked.error)}). ${again}`);
}
