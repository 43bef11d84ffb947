import { useState } from 'react';
import type { ProjectSummary } from '../../../shared/contracts/projects';
import { HARNESS_LABELS, type HarnessId } from '../../../shared/harness';
import { ProjectSettings } from './ProjectSettings';
import { WorktreesPanel } from './WorktreesPanel';

type Tab = 'board' | 'worktrees' | 'settings';
const TABS: { id: Tab; label: string }[] = [
  { id: 'board', label: 'Board' },
  { id: 'worktrees', label: 'Worktrees' },
  { id: 'settings', label: 'Settings' },
];

export function ProjectView({ project }: { project: ProjectSummary }) {
  const [tab, setTab] = useState<Tab>('board');
  return (
    <main className="main" data-testid="project-view">
      <header className="main-header">
        <div>
          <h1>{project.name}</h1>
          <div className="muted mono small">
            {project.path} · {project.baseBranch}
          </div>
        </div>
        <nav className="tabs" role="tablist">
          {TABS.map((t) => (
            <button key={t.id} role="tab" aria-selected={tab === t.id} className="tab" onClick={() => setTab(t.id)}>
              {t.label}
            </button>
          ))}
        </nav>
      </header>
      <div className="main-body">
        {tab === 'board' && (
          <div className="empty-inline" data-testid="project-board">
            No agent sessions in {project.name} yet. Its orchestrator will run{' '}
            {HARNESS_LABELS[project.orchestratorAgent as HarnessId] ?? project.orchestratorAgent} on{' '}
            <code>baton/{project.prefix}-orchestrator</code>.
          </div>
        )}
        {tab === 'worktrees' && <WorktreesPanel projectId={project.id} />}
        {tab === 'settings' && <ProjectSettings key={project.id} projectId={project.id} />}
      </div>
    </main>
  );
}
