import type { StateCreator } from 'zustand';
import type { ProjectSummary } from '../../../shared/contracts/projects';
import type { BatonState, StoreDeps } from './index';

export interface ProjectsSlice {
  projects: ProjectSummary[];
  projectsLoaded: boolean;
  projectsError: string | null;
  selectedProjectId: string | null;
  loadProjects(): Promise<void>;
  selectProject(id: string | null): void;
}

export const createProjectsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], ProjectsSlice> =>
  (set, get) => ({
    projects: [],
    projectsLoaded: false,
    projectsError: null,
    selectedProjectId: null,
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
    },
    selectProject: (id) => set({ selectedProjectId: id }),
  });

export const selectProjects = (s: BatonState): ProjectSummary[] => s.projects;

export const selectSelectedProject = (s: BatonState): ProjectSummary | null =>
  s.projects.find((p) => p.id === s.selectedProjectId) ?? null;
