/** CLI verbs for attention: `baton inbox`, `baton answer`, `baton session show`, `baton policy`. */
import type { InboxItem } from '../shared/contracts/inbox';
import type { PendingRequest, SessionSummary } from '../shared/contracts/sessions';
import { APPROVAL_POLICY_LABEL, type ApprovalPolicy } from '../shared/approval';
import { fail, ok, type Result } from '../shared/result';
import { buildTranscript, type TranscriptItem } from '../shared/transcript';
import { matchProject } from './api';
import { printJson, type CommandContext } from './commands';
import { clean, short, statusOf, table, when } from './format';
import { matchSession } from './review';
import { askUntil } from './ask-until';

/**
 * The attention verbs (issue 14): `baton inbox`, `baton answer`, `baton
 * session show` and `baton policy`, over the same contract as the app's
 * inbox, cards and settings.
 */

const ACTION_HINT: Record<InboxItem['action'], (id: string) => string> = {
  answer: (id) => `baton answer ${id} allow|allow-always|reject`,
  open: (id) => `baton session show ${id}`,
  retry: () => 'Retry in the app',
  continue: () => 'Continue in the app',
  acknowledge: () => 'Acknowledge in the app',
  review: (id) => `baton diff ${id}`,
};

export async function inboxList(ctx: CommandContext, c: { project?: string }): Promise<Result<void>> {
  const projects = await ctx.call('projects.list', {});
  if (!projects.ok) return projects;
  let projectId: string | undefined;
  if (c.project !== undefined) {
    const p = matchProject(projects.value, c.project);
    if (!p.ok) return p;
    projectId = p.value.id;
  }
  // As in pendingOf: a request still on its way to a just-attached main shows as `input` for a moment.
  const r = await askUntil(() => ctx.call('inbox.list', projectId ? { projectId } : {}), (v) => !v.items.some((i) => i.reason === 'input'), 3000);
  if (!r.ok) return r;
  if (ctx.json) {
    printJson(ctx, r.value);
    return ok(undefined);
  }
  if (r.value.items.length === 0) {
    ctx.out('Nothing needs you.');
    return ok(undefined);
  }
  const name = new Map(projects.value.map((p) => [p.id, p.name]));
  const rows = r.value.items.map((i) => [short(i.sessionId), name.get(i.projectId) ?? short(i.projectId), i.reason, when(i.since), i.title, i.summary]);
  for (const l of table(['SESSION', 'PROJECT', 'REASON', 'SINCE', 'TITLE', 'WHAT'], rows)) ctx.out(l);
  ctx.out('');
  for (const i of r.value.items) ctx.out(clean(`${short(i.sessionId)}: ${ACTION_HINT[i.action](short(i.sessionId))}`));
  return ok(undefined);
}

/** Words people type for an option's kind; an exact optionId always wins. */
const KIND_WORDS: Record<string, readonly string[]> = {
  allow: ['allow_once', 'allow_always'],
  'allow-once': ['allow_once'],
  'allow-always': ['allow_always'],
  always: ['allow_always'],
  reject: ['reject_once', 'reject_always'],
  'reject-once': ['reject_once'],
  'reject-always': ['reject_always'],
  deny: ['reject_once', 'reject_always'],
};

/** The option a word names on this request: its optionId, else the first offered of the kinds the word stands for. */
export function pickOption(request: PendingRequest, word: string): Result<{ optionId: string; name: string }> {
  const exact = request.options.find((o) => o.optionId === word);
  if (exact) return ok(exact);
  const kinds = KIND_WORDS[word.toLowerCase()] ?? [];
  for (const k of kinds) {
    const o = request.options.find((x) => x.kind === k);
    if (o) return ok(o);
  }
  const offered = request.options.map((o) => `${o.optionId} (${o.kind})`).join(', ');
  return fail('unknown_option', `The request "${clean(request.title)}" offers no option "${word}". It offers: ${offered}; or say allow, allow-always, reject or reject-always.`);
}

async function findSession(ctx: CommandContext, query: string): Promise<Result<SessionSummary>> {
  const all = await ctx.call('sessions.list', { archived: 'include' });
  return all.ok ? matchSession(all.value, query) : all;
}

/**
 * A waiting session's requests. Just after Baton (or this headless command) attached, a held request may still be
 * on its way to main: a waiting session is asked again for a moment before "nothing pends" is said.
 */
async function pendingOf(ctx: CommandContext, s: SessionSummary): Promise<Result<PendingRequest[]>> {
  return askUntil(() => ctx.call('sessions.pending', { id: s.id }), (p) => p.length > 0, s.state === 'waiting_input' ? 3000 : 0);
}

export async function answer(ctx: CommandContext, c: { session: string; option: string; request?: string }): Promise<Result<void>> {
  const s = await findSession(ctx, c.session);
  if (!s.ok) return s;
  const pending = await pendingOf(ctx, s.value);
  if (!pending.ok) return pending;
  const id = short(s.value.id);
  if (pending.value.length === 0) {
    return fail('nothing_pending', `Session ${id} has no permission request waiting (it is ${statusOf(s.value)}); see \`baton inbox\` for what needs you.`);
  }
  const request = c.request === undefined ? pending.value[0] : pending.value.find((p) => p.requestKey === c.request);
  if (!request) return fail('unknown_request', `Session ${id} has no waiting request ${c.request}; its requests: ${pending.value.map((p) => p.requestKey).join(', ')}.`);
  const option = pickOption(request, c.option);
  if (!option.ok) return option;
  const r = await ctx.call('sessions.answerPermission', { id: s.value.id, requestKey: request.requestKey, optionId: option.value.optionId });
  if (!r.ok) return r;
  if (!r.value.answered) return fail('not_answered', `The request "${clean(request.title)}" was answered or withdrawn meanwhile; run \`baton session show ${id}\` to see where it is.`);
  if (ctx.json) printJson(ctx, { sessionId: s.value.id, requestKey: request.requestKey, optionId: option.value.optionId, answered: true });
  else ctx.out(clean(`Answered "${request.title}" in ${id}: ${option.value.name}.`) + (pending.value.length > 1 ? ` ${pending.value.length - 1} more waiting.` : ''));
  return ok(undefined);
}

/** What `session show --json` prints: the contract's values. */
export interface SessionShow {
  session: SessionSummary;
  status: string;
  pending: PendingRequest[];
  /** The newest transcript items (messages, tools, answers), oldest first. */
  recent: TranscriptItem[];
}

const RECENT = 12;

export async function sessionShow(ctx: CommandContext, c: { session: string }): Promise<Result<void>> {
  const s = await findSession(ctx, c.session);
  if (!s.ok) return s;
  const [pending, records] = await Promise.all([pendingOf(ctx, s.value), ctx.call('sessions.records', { id: s.value.id, afterSeq: Math.max(0, s.value.lastSeq - 2000), limit: 2000 })]);
  if (!pending.ok) return pending;
  if (!records.ok) return records;
  const items = buildTranscript(records.value.records).items.filter((i) => i.type !== 'turn_end');
  const show: SessionShow = { session: s.value, status: statusOf(s.value), pending: pending.value, recent: items.slice(-RECENT) };
  if (ctx.json) {
    printJson(ctx, show);
    return ok(undefined);
  }
  const v = s.value;
  const lines: [string, string][] = [
    ['Session', `${v.id} (${v.role}, ${v.harness})`],
    ['Title', v.title],
    ['Status', show.status + (v.stateDetail ? `: ${v.stateDetail.split('\n')[0] ?? ''}` : '')],
    ['Branch', v.branch ?? '-'],
    ['Approval', v.approvalPolicy ? APPROVAL_POLICY_LABEL[v.approvalPolicy] : "the project's"],
  ];
  for (const l of table(['', ''], lines).slice(1)) ctx.out(l);
  if (show.pending.length) {
    ctx.out('');
    ctx.out('Waiting on you:');
    for (const p of show.pending) ctx.out(clean(`  ${p.title}  [${p.options.map((o) => `${o.optionId}: ${o.name}`).join(' | ')}]  (baton answer ${short(v.id)} <option>)`));
  }
  if (show.recent.length) {
    ctx.out('');
    ctx.out('Recent:');
    for (const i of show.recent) ctx.out(`  ${describeItem(i)}`);
  }
  return ok(undefined);
}

function describeItem(i: TranscriptItem): string {
  const one = (t: string) => clean(t.length > 200 ? `${t.slice(0, 200)}…` : t);
  switch (i.type) {
    case 'user':
      return `you: ${one(i.text)}`;
    case 'agent':
      return `agent: ${one(i.text)}`;
    case 'thought':
      return `thinking: ${one(i.text)}`;
    case 'tool':
      return `tool ${i.status}: ${one(i.title)}`;
    case 'plan':
      return `plan: ${i.entries.length} step(s)`;
    case 'permission': {
      const o = i.outcome;
      const said = !o ? 'waiting' : o.kind === 'cancelled' ? 'cancelled' : o.automatic ? `${o.name} (auto-approved)` : o.name;
      return `asked: ${one(i.title)} → ${said}`;
    }
    case 'error':
      return `error: ${one(i.text)}`;
    case 'diagnostic':
      return `note: ${one(i.text)}`;
    case 'exit':
      return `agent exited (${i.code ?? i.signal ?? '?'})`;
    case 'marker':
      return `${i.marker}: ${one(i.text)}`;
    case 'turn_end':
      return `turn ended (${i.stopReason})`;
  }
}

export async function policy(ctx: CommandContext, c: { target: string; policy: ApprovalPolicy | 'inherit' }): Promise<Result<void>> {
  const [projects, sessions] = await Promise.all([ctx.call('projects.list', {}), ctx.call('sessions.list', { archived: 'include' })]);
  if (!projects.ok) return projects;
  if (!sessions.ok) return sessions;
  const p = matchProject(projects.value, c.target);
  const s = matchSession(sessions.value, c.target);
  if (p.ok && s.ok) return fail('ambiguous_target', `"${c.target}" names both project ${p.value.name} and session ${short(s.value.id)}; use more of the session's id, or the project's full name.`);
  if (p.ok) {
    if (c.policy === 'inherit') return fail('usage', 'A project has a policy of its own; choose ask, edits or all. `inherit` is for a session (back to its project\'s).');
    const r = await ctx.call('projects.update', { id: p.value.id, patch: { approvalPolicy: c.policy } });
    if (!r.ok) return r;
    if (ctx.json) printJson(ctx, r.value);
    else ctx.out(clean(`${p.value.name}: ${APPROVAL_POLICY_LABEL[c.policy]} (sessions without their own policy follow it).`));
    return ok(undefined);
  }
  if (s.ok) {
    const r = await ctx.call('sessions.setApprovalPolicy', { id: s.value.id, policy: c.policy === 'inherit' ? null : c.policy });
    if (!r.ok) return r;
    if (ctx.json) printJson(ctx, r.value);
    else ctx.out(clean(`${short(s.value.id)}: ${c.policy === 'inherit' ? "follows its project's policy" : APPROVAL_POLICY_LABEL[c.policy]}.`));
    return ok(undefined);
  }
  if (!p.ok && p.error.code === 'ambiguous_project') return p;
  if (!s.ok && s.error.code === 'ambiguous_session') return s;
  return fail('unknown_target', `No project or session matches "${c.target}"; see \`baton status\` and \`baton session list\`.`);
}
