/** The board before a first project exists: what Baton does and the way to add a first project. */
import { PlusIcon } from '../../ui/icons';

export function BoardEmpty(props: { onAddProject: () => void }) {
  return (
    <div className="empty" data-testid="board-empty">
      <h2>Run many agents. Lose track of none.</h2>
      <p>
        Baton runs coding agents on your git repositories: one orchestrator per project, and workers that each get
        their own worktree. Restart Baton at any moment and every run is right where it was.
      </p>
      <ol className="steps">
        <li>
          <span className="step-number">1</span>
          <span>
            <strong>Add a project</strong> — point Baton at a git repository on this machine.
          </span>
        </li>
        <li>
          <span className="step-number">2</span>
          <span>
            <strong>Start its orchestrator</strong> — a long-lived agent on the project&apos;s canonical branch.
          </span>
        </li>
        <li>
          <span className="step-number">3</span>
          <span>
            <strong>Queue tasks</strong> — the orchestrator wakes, starts workers, and every session shows up here.
          </span>
        </li>
      </ol>
      <button className="btn btn-primary" onClick={props.onAddProject}>
        <PlusIcon /> Add your first project
      </button>
    </div>
  );
}
