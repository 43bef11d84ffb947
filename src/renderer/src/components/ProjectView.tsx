import { useState } from 'react';
import type { ProjectSummary } from '../../../shared/contracts/projects';
import { selectOpenSession } from '../stores/sessions';
import { useBaton } from '../stores/react';
import { NewSessionDialog } from './NewSessionDialog';
import { ProjectSettings } from './ProjectSettings';
import { SessionBoard } from './SessionBoard';
import { SessionView } from './SessionView';
import { WorktreesPanel } from './WorktreesPanel';

type Tab = 'board' | 'worktrees' | 'settings';
const TABS: { id: Tab; label: string }[] = [
  { id: 'board', label: 'Board' },
  { id: 'worktrees', label: 'Worktrees' },
  { id: 'settings', label: 'Settings' },
];

export function ProjectView({ project }: { project: ProjectSummary }) {
  const [tab, setTab] = useState<Tab>('board');
  const [creating, setCreating] = useState(false);
  const open = useBaton(selectOpenSession);
  const openSession = open && open.projectId === project.id ? open : null;
  return (
    <main className="main" data-testid="project-view">
      <header className="main-header">
        <div>
          <h1>{project.name}</h1>
          <div className="muted mono small">
            {project.path} · {project.baseBranch}
          </div>
        </div>
        <div className="header-actions">
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <button key={t.id} role="tab" aria-selected={tab === t.id} className="tab" onClick={() => setTab(t.id)}>
                {t.label}
              </button>
            ))}
          </nav>
          <button className="btn btn-primary" onClick={() => setCreating(true)}>
            New session
          </button>
        </div>
      </header>
      <div className={`main-body ${tab === 'board' && openSession ? 'main-body-flush' : ''}`}>
        {tab === 'board' && (openSession ? <SessionView session={openSession} /> : <SessionBoard projectId={project.id} onNew={() => setCreating(true)} />)}
        {tab === 'worktrees' && <WorktreesPanel projectId={project.id} />}
        {tab === 'settings' && <ProjectSettings key={project.id} projectId={project.id} />}
      </div>
      <NewSessionDialog
        projectId={project.id}
        open={creating}
        onClose={() => {
          setCreating(false);
          setTab('board');
        }}
      />
    </main>
  );
}
