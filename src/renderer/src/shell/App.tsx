/** The frame: sidebar, main column (the project, or the empty board), status bar and the app-wide dialogs. */
import { useState } from 'react';
import { selectStoreError } from '../app/status';
import { selectSelectedProject } from '../features/projects/projects';
import { useBaton } from '../app/react';
import { AddProjectDialog } from '../features/projects/AddProjectDialog';
import { AppSettingsDialog } from '../features/settings/AppSettingsDialog';
import { CommandPalette } from '../features/palette/CommandPalette';
import { NewSessionDialog } from '../features/session/NewSessionDialog';
import { BoardEmpty } from '../features/board/Board';
import { InboxNotifier, InboxPanel } from '../features/inbox';
import { ProjectView } from './ProjectView';
import { Sidebar } from './Sidebar';
import { StartupNotice } from '../features/recovery/StartupNotice';
import { StatusBar } from './StatusBar';
import { StoreErrorScreen } from './StoreErrorScreen';

export function App() {
  const storeError = useBaton(selectStoreError);
  const selected = useBaton(selectSelectedProject);
  const selectProject = useBaton((s) => s.selectProject);
  // Projects exist but the place is not settled yet (status on its way): an empty main area, not "add your first project".
  const hasProjects = useBaton((s) => s.projects.length > 0);
  const [adding, setAdding] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  // The one New session dialog: the header's button, the palette and its shortcut (N) all open it.
  const [newSession, setNewSession] = useState(false);
  const setProjectTab = useBaton((s) => s.setProjectTab);
  const [inboxOpen, setInboxOpen] = useState(false);

  if (storeError) {
    return (
      <div className="frame">
        <div className="frame-full">
          <StoreErrorScreen error={storeError} />
        </div>
        <StatusBar />
      </div>
    );
  }

  return (
    <div className="frame">
      <InboxNotifier />
      <Sidebar
        onAddProject={() => setAdding(true)}
        onOpenSettings={() => setSettingsOpen(true)}
        onOpenInbox={() => setInboxOpen(true)}
        selectedId={selected?.id ?? null}
        onSelect={(id) => {
          setInboxOpen(false);
          selectProject(id);
        }}
      />
      <div className="main-column">
        <StartupNotice />
        {inboxOpen ? (
          <InboxPanel onClose={() => setInboxOpen(false)} />
        ) : selected ? (
          <ProjectView key={selected.id} project={selected} onNewSession={() => setNewSession(true)} />
        ) : hasProjects ? (
          <main className="main" aria-busy="true" />
        ) : (
          <main className="main">
            <header className="main-header">
              <h1>Board</h1>
            </header>
            <div className="main-body">
              <BoardEmpty onAddProject={() => setAdding(true)} />
            </div>
          </main>
        )}
      </div>
      <StatusBar />
      <AddProjectDialog open={adding} onClose={() => setAdding(false)} />
      <AppSettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />
      {selected && (
        <NewSessionDialog
          projectId={selected.id}
          open={newSession}
          onClose={() => {
            setNewSession(false);
            setProjectTab('board');
          }}
        />
      )}
      <CommandPalette onNewSession={() => setNewSession(true)} onAddProject={() => setAdding(true)} onOpenSettings={() => setSettingsOpen(true)} />
    </div>
  );
}
