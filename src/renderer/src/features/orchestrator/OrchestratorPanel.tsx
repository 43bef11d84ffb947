/** The orchestrator card above a project's board and tasks: start, replace, duplicates and its wake. */
import { useMemo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ProjectSummary } from '../../../../shared/contracts/projects';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { sessionView, summaryFacts } from '../../../../shared/session-view';
import { harnessLabel } from '../../ui/format';
import {
  describeRestartNeeded,
  selectCurrentLaunch,
  selectDuplicateOrchestratorIds,
  selectOrchestrator,
  selectOrchestratorAction,
  selectOrchestratorLoaded,
  selectReplacement,
  selectStartRefusal,
} from './orchestrator';
import { useBaton, useServices } from '../../app/react';
import { ReplaceDialog } from './OrchestratorDialogs';
import { ReplacementFailed, ReplacementRunning } from './ReplacementProgress';
import { StatusPill } from '../../ui/StatusPill';
import { BusyButton, LoadError, OutcomeNotice, Spinner } from '../../ui/feedback';
import { WakeStatus } from '../tasks';

/**
 * The project's orchestrator at the top of its board and task panel: who it
 * is and how it is doing, Start when there is none, Replace (and Restart
 * needed), a running or failed replacement, duplicates, and the wake state.
 * "The" orchestrator is always newestActiveOrchestrator over the sessions
 * held, never an id kept here. It is that session's one card: the board
 * leaves it out of its grid, and `details` (the board's card details, composed
 * in the shell) shows under it what its grid card showed.
 */
export function OrchestratorPanel({ project, onShowWorktrees, details }: { project: ProjectSummary; onShowWorktrees: () => void; details?: (current: SessionSummary) => ReactNode }) {
  const id = project.id;
  const current = useBaton(useMemo(() => selectOrchestrator(id), [id]));
  const replacement = useBaton(useMemo(() => selectReplacement(id), [id]));
  const loaded = useBaton(useMemo(() => selectOrchestratorLoaded(id), [id]));
  const loadError = useBaton((s) => s.orchestratorErrors[id] ?? null);
  const loadOrchestrator = useBaton((s) => s.loadOrchestrator);

  const running = replacement?.status === 'running';
  const failed = replacement?.status === 'failed';
  const state = running ? 'replacing' : failed ? 'failed' : current ? 'running' : 'none';

  return (
    <section className="orch-card" aria-labelledby={`orch-heading-${id}`} data-testid="orchestrator-card" data-state={state}>
      <h2 id={`orch-heading-${id}`} className="orch-eyebrow">
        Orchestrator
      </h2>
      {loadError && !loaded ? (
        <LoadError what="this project’s orchestrator" message={loadError} onRetry={() => void loadOrchestrator(id)} />
      ) : !loaded ? (
        <div className="muted orch-loading" role="status">
          <Spinner /> Loading the orchestrator…
        </div>
      ) : (
        <>
          {current && !running && <CurrentOrchestrator project={project} current={current} details={details} />}
          {running && replacement && <ReplacementRunning replacement={replacement} />}
          {failed && replacement && <ReplacementFailed project={project} replacement={replacement} onShowWorktrees={onShowWorktrees} />}
          {!current && !running && !failed && <NoOrchestrator projectId={id} />}
          <Duplicates projectId={id} />
          <ActionOutcome projectId={id} />
          <WakeStatus projectId={id} starting={running} />
        </>
      )}
    </section>
  );
}

function CurrentOrchestrator({ project, current, details }: { project: ProjectSummary; current: SessionSummary; details: ((current: SessionSummary) => ReactNode) | undefined }) {
  const openOrchestrator = useBaton((s) => s.openOrchestrator);
  const replace = useBaton((s) => s.replaceOrchestrator);
  const action = useBaton(useMemo(() => selectOrchestratorAction(project.id), [project.id]));
  const [confirming, setConfirming] = useState(false);
  const runningLaunch = useBaton(useMemo(() => selectCurrentLaunch(project.id, current.id), [project.id, current.id]));
  const restart = describeRestartNeeded(project, current, runningLaunch);
  const replacing = action?.kind === 'replace' && action.phase === 'running';
  const cannot = useBaton(useMemo(() => selectStartRefusal(project.id), [project.id]));
  const refusal = action?.kind === 'replace' && action.phase === 'error' ? action : null;
  const { store } = useServices();
  const dismiss = useBaton((s) => s.dismissOrchestratorAction);
  // A refusal from an earlier attempt is not this one's: the dialog opens clean.
  const ask = () => {
    if (refusal) dismiss(project.id);
    setConfirming(true);
  };
  const confirm = async () => {
    await replace(project.id);
    // Refused before anything was touched (the new agent cannot start): the dialog stays open and says why.
    const after = store.getState().orchestratorActions[project.id];
    if (after?.kind === 'replace' && after.phase === 'error') return;
    setConfirming(false);
  };
  return (
    <>
      <div className="orch-main">
        <div className="orch-identity">
          <div className="orch-title-row">
            <button className="orch-title" onClick={() => void openOrchestrator(project.id)} title="Open the orchestrator’s session">
              {current.title}
            </button>
            <StatusPill session={current} />
          </div>
          <div className="orch-meta">
            {harnessLabel(current.harness)}
            {current.branch && (
              <>
                {' · '}
                <span className="mono" title={current.worktreePath ?? undefined}>
                  {current.branch}
                </span>
              </>
            )}
          </div>
          {details
            ? details(current)
            : current.stateDetail && ['interrupted', 'failed'].includes(sessionView(summaryFacts(current)).attention ?? '') && <div className="row-error small">{current.stateDetail.split('\n')[0]}</div>}
        </div>
        <div className="orch-actions">
          <button className="btn" onClick={() => void openOrchestrator(project.id)}>
            Open
          </button>
          <BusyButton className="btn" busy={replacing} busyLabel="Replacing…" onClick={ask} disabled={cannot !== null} title={cannot ?? 'Stop this orchestrator and start a fresh one'}>
            Replace…
          </BusyButton>
        </div>
      </div>
      {cannot && (
        <div className="notice notice-warn" role="note" data-testid="orchestrator-refusal">
          <div className="notice-text">
            <span className="notice-hint">{cannot}</span>
          </div>
        </div>
      )}
      {restart && !cannot && (
        <div className="notice notice-warn" role="region" aria-label="Restart needed" data-testid="restart-needed">
          <div className="notice-text">
            <strong>{restart}</strong>
            <span className="notice-hint">The project’s settings start the orchestrator differently from the one running. Replacing starts it as configured; nothing is lost.</span>
          </div>
          <button className="btn btn-primary btn-sm" disabled={replacing} onClick={ask}>
            Replace
          </button>
        </div>
      )}
      <ReplaceDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => void confirm()}
        project={project}
        current={current}
        restartNeeded={restart}
        busy={replacing}
        refusal={confirming ? refusal : null}
      />
    </>
  );
}

function NoOrchestrator({ projectId }: { projectId: string }) {
  const start = useBaton((s) => s.startOrchestrator);
  const action = useBaton(useMemo(() => selectOrchestratorAction(projectId), [projectId]));
  const starting = action?.kind === 'start' && action.phase === 'running';
  const cannot = useBaton(useMemo(() => selectStartRefusal(projectId), [projectId]));
  return (
    <div className="orch-main" data-testid="no-orchestrator">
      <div className="orch-identity">
        <strong>No orchestrator</strong>
        {cannot ? (
          <span className="orch-meta" data-testid="orchestrator-refusal">
            {cannot}
          </span>
        ) : (
          <span className="orch-meta">
            It runs on the project’s canonical branch, takes tasks from the queue and starts workers for them. Start one to work on the queue.
          </span>
        )}
      </div>
      <div className="orch-actions">
        <BusyButton className="btn btn-primary" busy={starting} busyLabel="Starting…" disabled={cannot !== null} title={cannot ?? undefined} onClick={() => void start(projectId)}>
          Start orchestrator
        </BusyButton>
      </div>
    </div>
  );
}

/** More than one active orchestrator (a bug or another tool left them): the cards say which, this ends them. */
function Duplicates({ projectId }: { projectId: string }) {
  const selectIds = useMemo(() => selectDuplicateOrchestratorIds(projectId), [projectId]);
  const ids = useBaton(useShallow(selectIds));
  const retire = useBaton((s) => s.retireDuplicates);
  const action = useBaton(useMemo(() => selectOrchestratorAction(projectId), [projectId]));
  if (ids.length === 0) return null;
  const n = ids.length;
  const busy = action?.kind === 'retireDuplicates' && action.phase === 'running';
  return (
    <div className="notice notice-warn" role="region" aria-label="Duplicate orchestrators" data-testid="duplicates">
      <div className="notice-text">
        <strong>
          {n === 1 ? 'Another orchestrator is' : `${n} other orchestrators are`} active for this project
        </strong>
        <span className="notice-hint">
          A project has one orchestrator: the newest. The others are flagged “Duplicate orchestrator” on the board. Retiring them stops them and releases their
          worktrees (keeping any the current one shares).
        </span>
      </div>
      <BusyButton className="btn btn-sm" busy={busy} busyLabel="Retiring…" onClick={() => void retire(projectId)}>
        Retire duplicates
      </BusyButton>
    </div>
  );
}

/** What a request from this window came to when the card itself does not show it: an error with what to do, or a short confirmation. */
function ActionOutcome({ projectId }: { projectId: string }) {
  const action = useBaton(useMemo(() => selectOrchestratorAction(projectId), [projectId]));
  const dismiss = useBaton((s) => s.dismissOrchestratorAction);
  if (!action || action.phase === 'running') return null;
  return <OutcomeNotice outcome={action} testId="orchestrator-action-outcome" onDismiss={() => dismiss(projectId)} />;
}
