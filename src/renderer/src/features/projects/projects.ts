/** The projects slice: the list, the selected project and its tab, and the links that show a session. */
import type { StateCreator } from 'zustand';
import type { ProjectSummary } from '../../../../shared/contracts/projects';
import type { BatonState, StoreDeps } from '../../app/types';

export type ProjectTab = 'board' | 'tasks' | 'worktrees' | 'settings';

export interface ProjectsSlice {
  projects: ProjectSummary[];
  projectsLoaded: boolean;
  projectsError: string | null;
  selectedProjectId: string | null;
  /**
   * The open project's tab. Kept here rather than in the view so that a link
   * from anywhere (the sidebar's orchestrator, a task's worker) can show a
   * session, which lives on the Board tab.
   */
  projectTab: ProjectTab;
  loadProjects(): Promise<void>;
  selectProject(id: string | null): void;
  setProjectTab(tab: ProjectTab): void;
  /** The Board tab: the board itself, never the session last opened on it. */
  showBoard(): void;
  /** Shows one session of a project: selects the project, switches to its board and opens the session there. */
  showSession(projectId: string, sessionId: string): void;
}

export const createProjectsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], ProjectsSlice> =>
  (set, get) => ({
    projects: [],
    projectsLoaded: false,
    projectsError: null,
    selectedProjectId: null,
    projectTab: 'board',
    async loadProjects() {
      const r = await deps.api.projects.list({});
      if (!r.ok) {
        set({ projectsError: r.error.message, projectsLoaded: true });
        return;
      }
      // A project removed elsewhere is deselected rather than shown as a ghost.
      const selected = get().selectedProjectId;
      const stillThere = selected !== null && r.value.some((p) => p.id === selected);
      set({ projects: r.value, projectsLoaded: true, projectsError: null, selectedProjectId: stillThere ? selected : null });
      // The first load restores the person's place; a removed project gives way to the first one's board.
      get().settlePlace();
    },
    // Another project opens on its board, as it always did when the tab lived in the view.
    selectProject: (id) => set((s) => (s.selectedProjectId === id ? {} : { selectedProjectId: id, projectTab: 'board', openSessionId: null })),
    setProjectTab: (projectTab) => set({ projectTab }),
    showBoard: () => set({ projectTab: 'board', openSessionId: null }),
    showSession(projectId, sessionId) {
      set({ selectedProjectId: projectId, projectTab: 'board' });
      get().openSession(sessionId);
    },
  });

export const selectProjects = (s: BatonState): ProjectSummary[] => s.projects;

export const selectSelectedProject = (s: BatonState): ProjectSummary | null =>
  s.projects.find((p) => p.id === s.selectedProjectId) ?? null;
