import type { StateCreator } from 'zustand';
import type { ProjectSummary } from '../../../shared/contracts/projects';
import type { BatonState, StoreDeps } from './index';

export interface ProjectsSlice {
  projects: ProjectSummary[];
  projectsLoaded: boolean;
  projectsError: string | null;
  loadProjects(): Promise<void>;
}

export const createProjectsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], ProjectsSlice> =>
  (set) => ({
    projects: [],
    projectsLoaded: false,
    projectsError: null,
    async loadProjects() {
      const r = await deps.api.projects.list({});
      if (r.ok) set({ projects: r.value, projectsLoaded: true, projectsError: null });
      else set({ projectsError: r.error.message, projectsLoaded: true });
    },
  });

export const selectProjects = (s: BatonState): ProjectSummary[] => s.projects;
