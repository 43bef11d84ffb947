import type { ReplacementView } from '../shared/contracts/orchestrator';
import type { ProjectSummary } from '../shared/contracts/projects';
import { ErrorCode } from '../shared/errors';
import { PHASE_LABELS, type ReplacementPhase } from '../shared/orchestrator';
import { fail, ok, type Result } from '../shared/result';
import { clean, short } from './format';
import { printJson, resolveProject, type CommandContext } from './commands';

/** Events wake the loop at once; the poll covers an event lost to a reconnect or a saga that says nothing for a while. */
const POLL_MS = 1000;

const OLD_ONLY_PHASES: readonly ReplacementPhase[] = ['stop_old', 'preserve', 'release', 'retire'];

export async function orchestratorReplace(ctx: CommandContext, query: string): Promise<Result<void>> {
  const project = await resolveProject(ctx, query);
  if (!project.ok) return project;
  return follow(ctx, project.value, () => ctx.call('orchestrator.replace', { projectId: project.value.id }), 'replace');
}

export async function orchestratorRetry(ctx: CommandContext, query: string): Promise<Result<void>> {
  const project = await resolveProject(ctx, query);
  if (!project.ok) return project;
  const st = await ctx.call('orchestrator.status', { projectId: project.value.id });
  if (!st.ok) return st;
  const r = st.value.replacement;
  if (!r || r.status !== 'failed') {
    return fail('nothing_to_retry', `${project.value.name} has no failed replacement to retry${r?.status === 'running' ? ' (one is under way)' : ''}.`);
  }
  return follow(ctx, project.value, () => ctx.call('orchestrator.retry', { replacementId: r.id }), 'retry');
}

/**
 * Starts (or retries) the saga, then follows it until it is done or failed,
 * printing each phase. Subscribing before starting means no phase change can
 * slip between the start and the first look.
 */
async function follow(ctx: CommandContext, project: ProjectSummary, start: () => Promise<Result<ReplacementView>>, verb: 'replace' | 'retry'): Promise<Result<void>> {
  let wake: () => void = () => undefined;
  const off = ctx.backend.on('orchestrator.changed', (payload) => {
    if (typeof payload === 'object' && payload !== null && 'projectId' in payload && payload.projectId === project.id) wake();
  });
  try {
    const started = await start();
    if (!started.ok) return started;
    const first = started.value;
    // `replace` hands back a replacement that already failed instead of starting another: say so, do not pretend.
    if (verb === 'replace' && first.status === 'failed') {
      return failed(ctx, project, first, 'An earlier replacement of this orchestrator failed; nothing new was started.');
    }
    const doing = verb === 'retry' ? 'Retrying the replacement of' : first.oldSessionId === null ? 'Starting' : 'Replacing';
    if (!ctx.json) ctx.out(clean(`${doing} the orchestrator of ${project.name} (replacement ${short(first.id)})`));
    let shown: string | null = null;
    const show = (r: ReplacementView): void => {
      const key = `${r.phase}:${r.status}:${r.attempts}`;
      if (key === shown) return;
      shown = key;
      // With no old orchestrator the first phases are no-ops; naming them would say something that is not happening.
      if (r.oldSessionId === null && OLD_ONLY_PHASES.includes(r.phase)) return;
      if (!ctx.json && r.status === 'running') ctx.out(`  ${PHASE_LABELS[r.phase]}…`);
    };
    show(first);
    let lost = false;
    void ctx.backend.lost.then(() => {
      lost = true;
      wake();
    });
    for (;;) {
      const st = await ctx.call('orchestrator.status', { projectId: project.id });
      if (!st.ok) {
        if (st.error.code === ErrorCode.disconnected || lost) return appGone(project);
        return st;
      }
      const r = st.value.replacement;
      if (!r || r.id !== first.id) {
        return fail('replacement_lost', `Replacement ${short(first.id)} is no longer this project's newest; see \`baton status\`.`);
      }
      show(r);
      if (r.status === 'done') return done(ctx, r, st.value.current?.branch ?? null);
      if (r.status === 'failed') return failed(ctx, project, r, null);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      if (lost) return appGone(project);
    }
  } finally {
    off();
  }
}

function done(ctx: CommandContext, r: ReplacementView, branch: string | null): Result<void> {
  if (ctx.json) {
    printJson(ctx, r);
    return ok(undefined);
  }
  ctx.out(`Done: the new orchestrator is ${short(r.newSessionId)}${branch ? ` on ${branch}` : ''}.`);
  if (r.preservedRef) ctx.out(`The old orchestrator's uncommitted work is kept at ${r.preservedRef}.`);
  return ok(undefined);
}

const WHAT_TO_DO: Partial<Record<ReplacementPhase, string>> = {
  stop_old: 'The old orchestrator did not stop. Stop its agent (or its session in the app), then retry.',
  preserve: "Its uncommitted work could not be saved; nothing was removed. Check the worktree's git state, then retry.",
  release: "Something holds the old orchestrator's worktree (a git lock, an open file, a running process). Free it, then retry.",
  spawn: "The new orchestrator could not start. Check the project's orchestrator agent in the app's project settings (for a custom command, that it runs), then retry.",
  verify: 'The new orchestrator started but did not check out: see the error above, fix the agent or its settings, then retry.',
};

/** The failure, its reason in git's or the agent's words, and what to do next; the command exits non-zero. */
function failed(ctx: CommandContext, project: ProjectSummary, r: ReplacementView, lead: string | null): Result<void> {
  if (ctx.json) printJson(ctx, r);
  const e = r.lastError;
  const reason = e ? `${PHASE_LABELS[e.phase]} failed (${e.code}): ${e.message}` : `The replacement failed at "${r.phase}".`;
  const todo = WHAT_TO_DO[e?.phase ?? r.phase] ?? 'Fix the cause above, then retry.';
  const lines = [
    ...(lead ? [lead] : []),
    clean(reason),
    `What to do: ${todo}`,
    `  Retry: baton orchestrator retry ${project.prefix}   (or Retry on the orchestrator's card in the app)`,
    ...(r.preservedRef ? [`  The old orchestrator's uncommitted work is safe at ${r.preservedRef}.`] : []),
  ];
  return fail('replacement_failed', lines.join('\n'));
}

function appGone(project: ProjectSummary): Result<void> {
  return fail(
    ErrorCode.disconnected,
    `The app went away during the replacement of ${project.name}'s orchestrator. It carries on from its last phase when Baton starts again; check with \`baton status\`.`,
  );
}
