import { useBaton } from '../stores/react';
import { selectProjects } from '../stores/projects';
import { BatonMark, GearIcon, PlusIcon } from './icons';

export function Sidebar(props: { onAddProject: () => void; onOpenSettings: () => void; selectedId: string | null; onSelect: (id: string) => void }) {
  const projects = useBaton(selectProjects);
  const loaded = useBaton((s) => s.projectsLoaded);
  return (
    <nav className="sidebar" aria-label="Projects">
      <div className="sidebar-brand">
        <BatonMark /> Baton
      </div>
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
            <li key={p.id}>
              <button
                className="sidebar-item"
                aria-current={p.id === props.selectedId}
                onClick={() => props.onSelect(p.id)}
                title={p.path}
              >
                <span className="sidebar-item-name">{p.name}</span>
                <span className="sidebar-item-meta">
                  {p.baseBranch} · {p.sessionCounts.active} active
                </span>
              </button>
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
