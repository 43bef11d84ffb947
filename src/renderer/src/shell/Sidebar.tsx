/** The sidebar: the projects, each one's orchestrator link, Add project and Settings. */
import { useMemo } from 'react';
import type { ProjectSummary } from '../../../shared/contracts/projects';
import { hostLinkLabel } from '../../../shared/project-host';
import { sessionView, summaryFacts } from '../../../shared/session-view';
import { selectOrchestrator } from '../features/orchestrator/orchestrator';
import { selectProjects } from '../features/projects/projects';
import { selectInboxCount } from '../features/inbox';
import { useBaton } from '../app/react';
import { BatonMark, GearIcon, PlusIcon } from '../ui/icons';
import { STATUS_TONE } from '../ui/tones';

export function Sidebar(props: { onAddProject: () => void; onOpenSettings: () => void; onOpenInbox: () => void; selectedId: string | null; onSelect: (id: string) => void }) {
  const projects = useBaton(selectProjects);
  const loaded = useBaton((s) => s.projectsLoaded);
  const needsYou = useBaton(selectInboxCount);
  return (
    <nav className="sidebar" aria-label="Projects">
      <div className="sidebar-brand">
        <BatonMark /> Baton
      </div>
      <button className="sidebar-item sidebar-inbox" onClick={props.onOpenInbox} data-testid="sidebar-inbox" aria-label={`Needs you: ${needsYou}`}>
        <span className="sidebar-item-name">Needs you</span>
        {needsYou > 0 && (
          <span className="pill pill-warn" data-testid="sidebar-inbox-count">
            {needsYou}
          </span>
        )}
      </button>
      <div className="sidebar-section">
        <span>Projects</span>
        <button className="btn btn-ghost btn-icon" title="Add project" aria-label="Add project" onClick={props.onAddProject}>
          <PlusIcon />
        </button>
      </div>
      {loaded && projects.length === 0 ? (
        <div className="sidebar-empty" data-testid="projects-empty">
          <span>No projects yet. A project is a git repository your agents work on.</span>
          <button className="btn btn-primary" onClick={props.onAddProject}>
            <PlusIcon /> Add project
          </button>
        </div>
      ) : (
        <ul className="sidebar-list">
          {projects.map((p) => (
            <li key={p.id} className="sidebar-row">
              <button className="sidebar-item" aria-current={p.id === props.selectedId} onClick={() => props.onSelect(p.id)} title={p.path}>
                <span className="sidebar-item-name">{p.name}</span>
                <span className="sidebar-item-meta">
                  {p.baseBranch} · {p.sessionCounts.active} active
                </span>
                {p.host.kind === 'ssh' && (
                  <span className="sidebar-item-meta" data-testid="project-host" title={p.hostLink?.reason ?? undefined}>
                    {hostLinkLabel(p.host, p.hostLink)}
                  </span>
                )}
              </button>
              <OrchestratorLink project={p} />
            </li>
          ))}
        </ul>
      )}
      <div className="sidebar-footer">
        <button className="sidebar-footer-btn" onClick={props.onOpenSettings}>
          <GearIcon /> Settings
        </button>
      </div>
    </nav>
  );
}

/** Opens the project's orchestrator, as the one shared rule picks it from the sessions held; absent when it has none. */
function OrchestratorLink({ project }: { project: ProjectSummary }) {
  const current = useBaton(useMemo(() => selectOrchestrator(project.id), [project.id]));
  const openOrchestrator = useBaton((s) => s.openOrchestrator);
  if (!current) return null;
  const { status } = sessionView(summaryFacts(current));
  return (
    <button
      className="sidebar-orch"
      onClick={() => void openOrchestrator(project.id)}
      aria-label={`Open the orchestrator (${status})`}
      title={`Open ${current.title} (${status})`}
      data-testid="sidebar-orchestrator"
    >
      <span className={`sidebar-orch-dot ${STATUS_TONE[status]}`} aria-hidden />
      Orch
    </button>
  );
}
