/** One project's view: its header, tabs (Board, Tasks, Worktrees, Settings) and the feature each tab shows. */
import { useEffect, useMemo } from 'react';
import type { ProjectSummary } from '../../../shared/contracts/projects';
import { formatProjectLocation, hostLinkLabel } from '../../../shared/project-host';
import type { ProjectTab } from '../features/projects/projects';
import { selectOpenSession } from '../features/session/sessions';
import { selectOpenTaskCount } from '../features/tasks/tasks';
import { useBaton } from '../app/react';
import { OrchestratorPanel } from '../features/orchestrator/OrchestratorPanel';
import { SessionBoard } from '../features/board/SessionBoard';
import { SessionCardDetails } from '../features/board/SessionCard';
import { PieceLoading } from '../ui/lazy';
import { LazyPanel, ProjectSettings, SessionView, TasksPanel, WorktreesPanel } from './pieces';

const TABS: { id: ProjectTab; label: string }[] = [
  { id: 'board', label: 'Board' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'worktrees', label: 'Worktrees' },
  { id: 'settings', label: 'Settings' },
];

/** `onNewSession` opens the one New session dialog, which the shell keeps (the palette and its shortcut open it too). */
export function ProjectView({ project, onNewSession }: { project: ProjectSummary; onNewSession: () => void }) {
  const tab = useBaton((s) => s.projectTab);
  const setTab = useBaton((s) => s.setProjectTab);
  const showBoard = useBaton((s) => s.showBoard);
  const open = useBaton(selectOpenSession);
  const setOpenSession = useBaton((s) => s.openSession);
  const openTasks = useBaton(useMemo(() => selectOpenTaskCount(project.id), [project.id]));
  const loadOrchestrator = useBaton((s) => s.loadOrchestrator);
  const loadTasks = useBaton((s) => s.loadTasks);
  const loadWake = useBaton((s) => s.loadWake);
  const openSession = open && open.projectId === project.id ? open : null;

  // Opening a project starts following its orchestrator, tasks and wake (events keep them current from then on).
  useEffect(() => {
    void loadOrchestrator(project.id);
    void loadTasks(project.id);
    void loadWake(project.id);
  }, [project.id, loadOrchestrator, loadTasks, loadWake]);

  // The orchestrator card is the current orchestrator's one card: it shows what a board card would (issue 14).
  const orchestrator = <OrchestratorPanel project={project} onShowWorktrees={() => setTab('worktrees')} details={(current) => <SessionCardDetails session={current} />} />;
  return (
    <main className="main" data-testid="project-view">
      <header className="main-header">
        <div>
          <h1>{project.name}</h1>
          <div className="muted mono small">
            {formatProjectLocation(project.host, project.path)} · {project.baseBranch}
            {project.host.kind === 'ssh' && <span title={project.hostLink?.reason ?? undefined}> · {hostLinkLabel(project.host, project.hostLink)}</span>}
          </div>
        </div>
        <div className="header-actions">
          <nav className="tabs" role="tablist" aria-label="Project">
            {TABS.map((t) => (
              <button key={t.id} role="tab" aria-selected={tab === t.id} className="tab" onClick={() => (t.id === 'board' ? showBoard() : setTab(t.id))}>
                {t.label}
                {t.id === 'tasks' && openTasks > 0 && (
                  <span className="tab-count" aria-label={`${openTasks} open`}>
                    {openTasks}
                  </span>
                )}
              </button>
            ))}
          </nav>
          <button className="btn btn-primary" onClick={onNewSession} title="New session (N)">
            New session
          </button>
        </div>
      </header>
      <div className={`main-body ${tab === 'board' && openSession ? 'main-body-flush' : ''}`}>
        {tab === 'board' &&
          (openSession ? (
            <LazyPanel key={openSession.id} what="the session" fallback={<SessionLoading title={openSession.title} onBack={() => setOpenSession(null)} />}>
              <SessionView.Component session={openSession} />
            </LazyPanel>
          ) : (
            <>
              {orchestrator}
              <SessionBoard projectId={project.id} onNew={onNewSession} />
            </>
          ))}
        {tab === 'tasks' && (
          <>
            {orchestrator}
            <LazyPanel what="the tasks">
              <TasksPanel.Component projectId={project.id} />
            </LazyPanel>
          </>
        )}
        {tab === 'worktrees' && (
          <LazyPanel what="the worktrees">
            <WorktreesPanel.Component projectId={project.id} />
          </LazyPanel>
        )}
        {tab === 'settings' && (
          <LazyPanel what="the project’s settings">
            <ProjectSettings.Component key={project.id} projectId={project.id} />
          </LazyPanel>
        )}
      </div>
    </main>
  );
}

/** An open session while its view's code loads (first open before the idle fetch got to it): its head as the view draws it, so nothing jumps. */
function SessionLoading({ title, onBack }: { title: string; onBack: () => void }) {
  return (
    <div className="session-view">
      <div className="session-head">
        <button className="btn btn-ghost btn-sm" onClick={onBack}>
          ← Board
        </button>
        <strong className="session-title">{title}</strong>
      </div>
      <PieceLoading what="the session" />
    </div>
  );
}
