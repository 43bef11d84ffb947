/** The orchestrator's dialogs: the Replace confirmation and where a stopped replacement left the old one's work. */
import type { ProjectSummary } from '../../../../shared/contracts/projects';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { sessionView, summaryFacts } from '../../../../shared/session-view';
import { harnessLabel } from '../../ui/format';
import { CopyLine } from '../../ui/CopyButton';
import { Dialog, DialogActions } from '../../ui/Dialog';

/**
 * Replacing stops a running agent, so it asks first and says exactly what
 * will happen, in the saga's own order.
 */
export function ReplaceDialog(props: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  project: ProjectSummary;
  current: SessionSummary;
  restartNeeded: string | null;
  busy?: boolean;
  /** Replace was refused before anything was touched (the new agent cannot start): why, and what to do. */
  refusal?: { message: string; hint: string } | null;
}) {
  const { project, current } = props;
  // A turn is open (the same test as the session view's Cancel): replacing it now cancels that turn.
  const working = sessionView(summaryFacts(current)).can.cancel;
  return (
    <Dialog
      open={props.open}
      title={props.restartNeeded ? `Restart the orchestrator with ${harnessLabel(project.orchestratorAgent)}?` : 'Replace the orchestrator?'}
      onClose={props.onClose}
      testId="replace-dialog"
      footer={
        <DialogActions
          secondary={{ label: 'Cancel', onClick: props.onClose }}
          primary={{ label: props.busy ? 'Checking…' : 'Replace orchestrator', disabled: props.busy, autoFocus: true, onClick: props.onConfirm }}
        />
      }
    >
      <div className="form">
        {props.refusal && (
          <div className="notice notice-danger" role="alert" data-testid="replace-refused">
            <div className="notice-text">
              <span>{props.refusal.message}</span>
              <span className="notice-hint">{props.refusal.hint}</span>
            </div>
          </div>
        )}
        {props.restartNeeded && <p className="muted">{props.restartNeeded}.</p>}
        <ol className="dialog-steps">
          <li>
            Stop <strong>{current.title}</strong>
            {working && <span className="warn-text"> — it is working right now; its current turn is cut short</span>}.
          </li>
          <li>
            Keep its uncommitted work under <code>refs/baton/preserved/{current.id}</code>.
          </li>
          <li>Release its worktree, then retire it.</li>
          <li>
            Start a new {harnessLabel(project.orchestratorAgent)} orchestrator on <code>baton/{project.prefix}-orchestrator</code>, with a handoff: what the old
            one said last and the open tasks.
          </li>
        </ol>
        <p className="field-help">If a step fails, the board says which and why, and Retry carries on from there.</p>
      </div>
    </Dialog>
  );
}

/**
 * Where the old orchestrator's work is after a replacement stopped: the
 * preserved ref (a commit of its uncommitted changes), how to look at it, and
 * the Worktrees panel, where preserved refs are listed with Restore.
 */
export function PreviousWorkDialog(props: {
  open: boolean;
  onClose: () => void;
  project: ProjectSummary;
  preservedRef: string | null;
  oldWorktree: string | null;
  onShowWorktrees: () => void;
}) {
  const { project, preservedRef, oldWorktree } = props;
  return (
    <Dialog
      open={props.open}
      title="Previous orchestrator’s work"
      onClose={props.onClose}
      testId="previous-work-dialog"
      footer={
        <DialogActions secondary={{ label: 'Open the Worktrees panel', onClick: props.onShowWorktrees }} primary={{ label: 'Done', onClick: props.onClose }} />
      }
    >
      <div className="form">
        {preservedRef ? (
          <>
            <p>
              Before touching its worktree, Baton saved the old orchestrator’s uncommitted changes (tracked and untracked files) as a commit under this ref. Nothing
              is lost.
            </p>
            <div className="field">
              <span className="field-label">Preserved ref</span>
              <CopyLine text={preservedRef} label="preserved ref" />
            </div>
            <div className="field">
              <span className="field-label">See what it holds</span>
              <CopyLine text={`git -C "${project.path}" show --stat ${preservedRef}`} label="inspect command" />
            </div>
            <div className="field">
              <span className="field-label">Bring it into a checkout</span>
              <CopyLine text={`git restore --source=${preservedRef} --worktree -- .`} label="restore command" />
              <span className="field-help">Or restore it into one of the project’s worktrees from the Worktrees panel (Preserved work).</span>
            </div>
          </>
        ) : (
          <p>The old orchestrator had no uncommitted changes to preserve.</p>
        )}
        {oldWorktree && (
          <div className="field">
            <span className="field-label">Its worktree, still on disk until it is released</span>
            <CopyLine text={oldWorktree} label="worktree path" />
          </div>
        )}
      </div>
    </Dialog>
  );
}
