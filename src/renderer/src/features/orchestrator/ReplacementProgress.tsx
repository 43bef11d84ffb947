/** A replacement saga followed live: its phases as a checklist, and Retry from the phase that failed. */
import { useMemo, useState } from 'react';
import type { ReplacementView } from '../../../../shared/contracts/orchestrator';
import type { ProjectSummary } from '../../../../shared/contracts/projects';
import { PHASE_LABELS } from '../../../../shared/orchestrator';
import { describeFailure, replacementSteps, selectOrchestratorAction, type StepState } from './orchestrator';
import { useBaton } from '../../app/react';
import { PreviousWorkDialog } from './OrchestratorDialogs';
import { BusyButton, Spinner } from '../../ui/feedback';

const STEP_MARK: Record<StepState, string> = { done: '✓', current: '', failed: '✕', pending: '' };
const STEP_STATE_LABEL: Record<StepState, string> = { done: 'done', current: 'in progress', failed: 'failed', pending: 'to do' };

/** The saga's phases as a checklist, the current one highlighted (or the one it failed in). */
export function ReplacementSteps({ replacement }: { replacement: ReplacementView }) {
  const steps = replacementSteps(replacement);
  return (
    <ol className="orch-steps" aria-label={replacement.oldSessionId ? 'Replacement progress' : 'Start progress'}>
      {steps.map((s) => (
        <li key={s.phase} className="orch-step" data-state={s.state} data-phase={s.phase} aria-current={s.state === 'current' ? 'step' : undefined}>
          <span className="orch-step-mark" aria-hidden>
            {s.state === 'current' ? <Spinner /> : STEP_MARK[s.state]}
          </span>
          <span>{s.label}</span>
          <span className="visually-hidden"> ({STEP_STATE_LABEL[s.state]})</span>
        </li>
      ))}
    </ol>
  );
}

/** While the saga runs: what it is doing now, and the last error when this is a Retry. */
export function ReplacementRunning({ replacement }: { replacement: ReplacementView }) {
  const first = replacement.oldSessionId === null;
  return (
    <div className="orch-progress" role="status" aria-live="polite" data-testid="replacement-progress" data-phase={replacement.phase}>
      <div className="orch-progress-head">
        <strong>{first ? 'Starting the orchestrator…' : 'Replacing the orchestrator…'}</strong>
        {replacement.attempts > 1 && <span className="muted small">attempt {replacement.attempts}</span>}
      </div>
      <ReplacementSteps replacement={replacement} />
      {replacement.attempts > 1 && replacement.lastError && (
        <p className="muted small">
          The last attempt stopped at {PHASE_LABELS[replacement.lastError.phase].toLowerCase()}: {replacement.lastError.message}
        </p>
      )}
      <p className="muted small">
        {first
          ? 'The agent starts in its own worktree on the canonical branch, then gets a handoff with the open tasks. This can take a few seconds.'
          : 'Each step is saved before the next starts: if Baton stops meanwhile, it carries on from here at its next start.'}
      </p>
    </div>
  );
}

/**
 * A saga that stopped on an error: what failed and in which phase, what to do
 * about it, Retry (from that phase), and where the old orchestrator's work is.
 */
export function ReplacementFailed({ project, replacement, onShowWorktrees }: { project: ProjectSummary; replacement: ReplacementView; onShowWorktrees: () => void }) {
  const retry = useBaton((s) => s.retryReplacement);
  const action = useBaton(useMemo(() => selectOrchestratorAction(project.id), [project.id]));
  const oldSession = useBaton((s) => (replacement.oldSessionId ? (s.sessions[replacement.oldSessionId] ?? null) : null));
  const [showWork, setShowWork] = useState(false);
  const failure = describeFailure(replacement);
  if (!failure) return null;
  const retrying = action?.kind === 'retry' && action.phase === 'running';
  const hasWork = replacement.preservedRef !== null || (oldSession?.state === 'retiring' && oldSession.worktreePath !== null);
  return (
    <div className="orch-failure" role="alert" aria-label="Replacement failed" data-testid="replacement-failed" data-phase={replacement.phase}>
      <div className="notice-text">
        <p className="orch-failure-title">
          <strong>{failure.headline}:</strong> {failure.message}
        </p>
        <span className="notice-hint">{failure.hint}</span>
        {oldSession?.state === 'retiring' && replacement.phase !== 'release' && (
          <span className="notice-hint">The old orchestrator stays on the board as Retiring until its worktree is released.</span>
        )}
      </div>
      <ReplacementSteps replacement={replacement} />
      <div className="orch-actions">
        <BusyButton className="btn btn-primary" busy={retrying} busyLabel="Retrying…" onClick={() => void retry(project.id)}>
          Retry
        </BusyButton>
        {hasWork && (
          <button className="btn" onClick={() => setShowWork(true)}>
            Open previous work
          </button>
        )}
      </div>
      <PreviousWorkDialog
        open={showWork}
        onClose={() => setShowWork(false)}
        project={project}
        preservedRef={replacement.preservedRef}
        oldWorktree={oldSession?.state === 'retiring' ? oldSession.worktreePath : null}
        onShowWorktrees={() => {
          setShowWork(false);
          onShowWorktrees();
        }}
      />
    </div>
  );
}
