import type { ProjectSummary } from '../../shared/contracts/projects';
import type { Db } from '../store/db';

interface ProjectRow {
  id: string;
  name: string;
  path: string;
  prefix: string;
  base_branch: string;
  orchestrator_agent: string;
}

/** The only module that writes the projects table. */
export function createProjectsRepository(db: Db) {
  const listStmt = db.prepare<[], ProjectRow>(
    'SELECT id, name, path, prefix, base_branch, orchestrator_agent FROM projects ORDER BY name COLLATE NOCASE, id',
  );
  return {
    listSummaries(): ProjectSummary[] {
      return listStmt.all().map((r) => ({
        id: r.id,
        name: r.name,
        path: r.path,
        prefix: r.prefix,
        baseBranch: r.base_branch,
        orchestratorAgent: r.orchestrator_agent,
        sessionCounts: { active: 0, total: 0 },
      }));
    },
  };
}

export type ProjectsRepository = ReturnType<typeof createProjectsRepository>;
