/**
 * The views the board's first paint does not draw, each in a chunk of its own (issue 16: the page's one bundle was a
 * 100–400 ms task on every load): an open session (its transcript, markdown-to-jsx, the virtualizer, Changes, the
 * agent log), the Tasks, Worktrees and Settings tabs, the inbox and the app's dialogs. Fetched when the page is idle after the
 * board painted (preloadAfterPaint), so opening one stays instant; drawn by the shell under Suspense and a LazyBoundary.
 */
import { Suspense, useEffect, useState, type ComponentProps, type ReactNode } from 'react';
import { Dialog } from '../ui/Dialog';
import { LazyBoundary, lazyPiece, PieceLoading, preloadWhenIdle } from '../ui/lazy';
import { ChangesView } from '../features/review';
import { TerminalsPanel } from '../features/terminals';
import { preloadPalette } from '../features/palette/CommandPalette';
import type { SessionView as SessionViewType } from '../features/session/SessionView';
import type { TasksPanel as TasksPanelType } from '../features/tasks/TasksPanel';
import type { WorktreesPanel as WorktreesPanelType } from '../features/worktrees/WorktreesPanel';
import type { ProjectSettings as ProjectSettingsType } from '../features/settings/ProjectSettings';
import type { AppSettingsDialog as AppSettingsDialogType } from '../features/settings/AppSettingsDialog';
import type { AddProjectDialog as AddProjectDialogType } from '../features/projects/AddProjectDialog';
import type { NewSessionDialog as NewSessionDialogType } from '../features/session/NewSessionDialog';
import type { InboxPanel as InboxPanelType } from '../features/inbox/InboxPanel';

export const SessionView = lazyPiece<ComponentProps<typeof SessionViewType>>(() => import('../features/session/SessionView').then((m) => m.SessionView));
export const TasksPanel = lazyPiece<ComponentProps<typeof TasksPanelType>>(() => import('../features/tasks/TasksPanel').then((m) => m.TasksPanel));
export const WorktreesPanel = lazyPiece<ComponentProps<typeof WorktreesPanelType>>(() => import('../features/worktrees/WorktreesPanel').then((m) => m.WorktreesPanel));
export const ProjectSettings = lazyPiece<ComponentProps<typeof ProjectSettingsType>>(() => import('../features/settings/ProjectSettings').then((m) => m.ProjectSettings));
export const AppSettingsDialog = lazyPiece<ComponentProps<typeof AppSettingsDialogType>>(() => import('../features/settings/AppSettingsDialog').then((m) => m.AppSettingsDialog));
export const AddProjectDialog = lazyPiece<ComponentProps<typeof AddProjectDialogType>>(() => import('../features/projects/AddProjectDialog').then((m) => m.AddProjectDialog));
export const NewSessionDialog = lazyPiece<ComponentProps<typeof NewSessionDialogType>>(() => import('../features/session/NewSessionDialog').then((m) => m.NewSessionDialog));
export const InboxPanel = lazyPiece<ComponentProps<typeof InboxPanelType>>(() => import('../features/inbox/InboxPanel').then((m) => m.InboxPanel));

/** Most likely first: a session is what a person opens from the board; then the palette, a session's Changes and terminals, and New session (keys). */
const NEXT = [SessionView.preload, preloadPalette, ChangesView.preload, TerminalsPanel.preload, NewSessionDialog.preload, TasksPanel.preload, WorktreesPanel.preload, ProjectSettings.preload, AppSettingsDialog.preload, AddProjectDialog.preload, InboxPanel.preload];

let preloading = false;

/**
 * Once the store has its projects and sessions (the board is drawn from them), the other pieces are fetched, one per
 * idle period after the next frame: earlier, their parse would share the main thread with the board's first paint.
 */
export function usePreloadAfterPaint(ready: boolean): void {
  useEffect(() => {
    if (!ready || preloading) return;
    preloading = true;
    requestAnimationFrame(() => setTimeout(() => preloadWhenIdle(NEXT), 0));
  }, [ready]);
}

/** Whether a dialog has ever been open: a lazy dialog is mounted (and its code fetched, if not already) from its first opening on. */
export function useOpenedOnce(open: boolean): boolean {
  const [opened, setOpened] = useState(open);
  // Derived during render (React's pattern for state that follows a prop): the dialog mounts in the same commit.
  if (open && !opened) setOpened(true);
  return opened || open;
}

/**
 * A lazy dialog's place: nothing until first opened; then, while its code loads, the dialog frame with a loading
 * line (the dialog's own title, so the switch is only its body); and if the code cannot be loaded, the frame with
 * what failed and Reload.
 */
export function LazyDialog({ open, title, onClose, children }: { open: boolean; title: string; onClose: () => void; children: ReactNode }): ReactNode {
  const opened = useOpenedOnce(open);
  if (!opened) return null;
  const frame = (body: ReactNode) => (
    <Dialog open={open} title={title} onClose={onClose}>
      {body}
    </Dialog>
  );
  return (
    <LazyBoundary what={`the ${title} dialog`} frame={frame}>
      <Suspense fallback={frame(<PieceLoading what={`the ${title} dialog`} takeFocus />)}>{children}</Suspense>
    </LazyBoundary>
  );
}

/** A lazy tab or panel: its loading line while its code loads, what failed and Reload if it cannot be loaded. */
export function LazyPanel({ what, fallback, children }: { what: string; fallback?: ReactNode; children: ReactNode }): ReactNode {
  return (
    <LazyBoundary what={what}>
      <Suspense fallback={fallback ?? <PieceLoading what={what} />}>{children}</Suspense>
    </LazyBoundary>
  );
}
