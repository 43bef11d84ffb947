import type { CopyFile, ProjectSummary } from '../../shared/contracts/projects';
import type { ApprovalPolicy } from '../../shared/approval';
import type { HarnessId } from '../../shared/harness';
import { configuredLaunch } from '../agents/launch';
import type { Db } from '../store/db';

export interface ProjectRecord {
  id: string;
  name: string;
  path: string;
  prefix: string;
  baseBranch: string;
  orchestratorAgent: HarnessId;
  workerAgent: HarnessId;
  customCommand: string;
  setupCommands: string[];
  copyFiles: CopyFile[];
  /** What Baton answers by itself for this project's sessions (a session's own policy wins). */
  approvalPolicy: ApprovalPolicy;
}

interface ProjectRow {
  id: string;
  name: string;
  path: string;
  prefix: string;
  base_branch: string;
  orchestrator_agent: string;
  worker_agent: string;
  custom_command: string;
  setup_commands: string;
  copy_files: string;
  approval_policy: ApprovalPolicy;
}

const COLUMNS = 'id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, custom_command, setup_commands, copy_files, approval_policy';

const toRecord = (r: ProjectRow): ProjectRecord => ({
  id: r.id,
  name: r.name,
  path: r.path,
  prefix: r.prefix,
  baseBranch: r.base_branch,
  orchestratorAgent: r.orchestrator_agent as HarnessId,
  workerAgent: r.worker_agent as HarnessId,
  customCommand: r.custom_command,
  setupCommands: JSON.parse(r.setup_commands) as string[],
  copyFiles: JSON.parse(r.copy_files) as CopyFile[],
  approvalPolicy: r.approval_policy,
});

/** The only module that writes `projects` and `project_env`. */
export function createProjectsRepository(db: Db) {
  const now = () => new Date().toISOString();
  const byId = db.prepare<[string], ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE id = ?`);
  const byPath = db.prepare<[string], ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE path = ?`);
  const summaries = db.prepare<[], ProjectRow & { active: number; total: number }>(`
    SELECT ${COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')},
      (SELECT COUNT(*) FROM sessions s WHERE s.project_id = p.id AND s.state NOT IN ('stopped', 'retired')) AS active,
      (SELECT COUNT(*) FROM sessions s WHERE s.project_id = p.id) AS total
    FROM projects p ORDER BY p.name COLLATE NOCASE, p.id`);
  const envKeysStmt = db.prepare<[string], { key: string }>('SELECT key FROM project_env WHERE project_id = ? ORDER BY key');

  return {
    listSummaries(): ProjectSummary[] {
      return summaries.all().map((r) => ({
        id: r.id,
        name: r.name,
        path: r.path,
        prefix: r.prefix,
        baseBranch: r.base_branch,
        orchestratorAgent: r.orchestrator_agent,
        // Resolved as a launch resolves it (PATH lookups, no process), so a changed custom command shows as Restart needed.
        orchestratorLaunch: configuredLaunch(r.orchestrator_agent as HarnessId, r.custom_command),
        sessionCounts: { active: r.active, total: r.total },
      }));
    },
    get(id: string): ProjectRecord | null {
      const r = byId.get(id);
      return r ? toRecord(r) : null;
    },
    findByPath(path: string): ProjectRecord | null {
      const r = byPath.get(path);
      return r ? toRecord(r) : null;
    },
    prefixTaken(prefix: string, exceptId = ''): boolean {
      return !!db.prepare('SELECT 1 FROM projects WHERE prefix = ? AND id != ?').get(prefix, exceptId);
    },
    insert(p: ProjectRecord): void {
      const t = now();
      db.prepare(
        `INSERT INTO projects (${COLUMNS}, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(p.id, p.name, p.path, p.prefix, p.baseBranch, p.orchestratorAgent, p.workerAgent, p.customCommand, JSON.stringify(p.setupCommands), JSON.stringify(p.copyFiles), p.approvalPolicy, t, t);
    },
    update(p: ProjectRecord): void {
      db.prepare(
        `UPDATE projects SET name = ?, prefix = ?, base_branch = ?, orchestrator_agent = ?, worker_agent = ?, custom_command = ?,
           setup_commands = ?, copy_files = ?, approval_policy = ?, updated_at = ? WHERE id = ?`,
      ).run(p.name, p.prefix, p.baseBranch, p.orchestratorAgent, p.workerAgent, p.customCommand, JSON.stringify(p.setupCommands), JSON.stringify(p.copyFiles), p.approvalPolicy, now(), p.id);
    },
    remove(id: string): boolean {
      return db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes > 0;
    },
    envKeys(id: string): string[] {
      return envKeysStmt.all(id).map((r) => r.key);
    },
    setEnv(id: string, key: string, value: string): void {
      db.prepare(
        `INSERT INTO project_env (project_id, key, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ).run(id, key, value, now());
    },
    deleteEnv(id: string, key: string): void {
      db.prepare('DELETE FROM project_env WHERE project_id = ? AND key = ?').run(id, key);
    },
    /** Secret values: only for building an agent's environment, never for a payload or a log. */
    envForAgent(id: string): Record<string, string> {
      const rows = db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM project_env WHERE project_id = ?').all(id);
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
  };
}

export type ProjectsRepository = ReturnType<typeof createProjectsRepository>;
