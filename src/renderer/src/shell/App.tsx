/** The frame: sidebar, main column (the project, or the empty board), status bar and the app-wide dialogs. */
import { useState } from 'react';
import { selectStoreError } from '../app/status';
import { selectSelectedProject } from '../features/projects/projects';
import { useBaton } from '../app/react';
import { CommandPalette } from '../features/palette/CommandPalette';
import { BoardEmpty } from '../features/board/Board';
import { InboxNotifier } from '../features/inbox';
import { PieceLoading } from '../ui/lazy';
import { AddProjectDialog, AppSettingsDialog, InboxPanel, LazyDialog, LazyPanel, NewSessionDialog, usePreloadAfterPaint } from './pieces';
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
  // The board is drawn from the projects and sessions: once both are in, the views it does not show are fetched (idle).
  usePreloadAfterPaint(useBaton((s) => s.projectsLoaded && s.sessionsLoaded));

  const closeNewSession = () => {
    setNewSession(false);
    setProjectTab('board');
  };

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
          <LazyPanel what="the inbox" fallback={<InboxLoading />}>
            <InboxPanel.Component onClose={() => setInboxOpen(false)} />
          </LazyPanel>
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
      <LazyDialog open={adding} title="Add project" onClose={() => setAdding(false)}>
        <AddProjectDialog.Component open={adding} onClose={() => setAdding(false)} />
      </LazyDialog>
      <LazyDialog open={settingsOpen} title="Settings" onClose={() => setSettingsOpen(false)}>
        <AppSettingsDialog.Component open={settingsOpen} onClose={() => setSettingsOpen(false)} />
      </LazyDialog>
      {selected && (
        <LazyDialog open={newSession} title="New session" onClose={closeNewSession}>
          <NewSessionDialog.Component projectId={selected.id} open={newSession} onClose={closeNewSession} />
        </LazyDialog>
      )}
      <CommandPalette onNewSession={() => setNewSession(true)} onAddProject={() => setAdding(true)} onOpenSettings={() => setSettingsOpen(true)} />
    </div>
  );
}

/** The inbox while its code loads: its frame and title as the panel draws them, so nothing jumps when it comes. */
function InboxLoading() {
  return (
    <main className="main inbox" aria-label="Inbox">
      <header className="main-header">
        <h1>Needs you</h1>
      </header>
      <div className="main-body">
        <PieceLoading what="the inbox" />
      </div>
    </main>
  );
}
