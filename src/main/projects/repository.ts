import type { CopyFile, ProjectHost, ProjectSummary } from '../../shared/contracts/projects';
import type { ApprovalPolicy } from '../../shared/approval';
import type { HarnessId } from '../../shared/harness';
import { configuredLaunch } from '../agents/launch';
import type { Db } from '../store/db';

export interface ProjectRecord {
  id: string;
  name: string;
  /** On `host`: a local path, or the absolute path on the SSH destination. */
  path: string;
  host: ProjectHost;
  prefix: string;
  baseBranch: string;
  orchestratorAgent: HarnessId;
  workerAgent: HarnessId;
  customCommand: string;
  /** The orchestrator's own custom command; '' runs `customCommand`, as workers do. */
  orchestratorCustomCommand: string;
  setupCommands: string[];
  copyFiles: CopyFile[];
  /** What Baton answers by itself for this project's sessions (a session's own policy wins). */
  approvalPolicy: ApprovalPolicy;
  /** Its sessions raise no notification; the inbox still counts them. */
  notificationsMuted: boolean;
}

/** The custom command a session of `role` runs: the orchestrator's own when it has one. */
export const customCommandFor = (p: Pick<ProjectRecord, 'customCommand' | 'orchestratorCustomCommand'>, role: 'worker' | 'orchestrator'): string =>
  role === 'orchestrator' && p.orchestratorCustomCommand.trim() ? p.orchestratorCustomCommand : p.customCommand;

/** One environment variable as Settings shows it: a secret's value never leaves main. */
export interface EnvEntry {
  key: string;
  secret: boolean;
  value: string | null;
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
  orchestrator_custom_command: string;
  setup_commands: string;
  copy_files: string;
  host_kind: string;
  host_destination: string | null;
  approval_policy: ApprovalPolicy;
  notifications_muted: number;
}

const COLUMNS =
  'id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, custom_command, orchestrator_custom_command, setup_commands, copy_files, host_kind, host_destination, approval_policy, notifications_muted';

/** The CHECK of migration 013 makes a destination present exactly when the kind is ssh. */
const hostOf = (r: Pick<ProjectRow, 'host_kind' | 'host_destination'>): ProjectHost =>
  r.host_kind === 'ssh' && r.host_destination ? { kind: 'ssh', destination: r.host_destination } : { kind: 'local' };

const toRecord = (r: ProjectRow): ProjectRecord => ({
  id: r.id,
  name: r.name,
  path: r.path,
  host: hostOf(r),
  prefix: r.prefix,
  baseBranch: r.base_branch,
  orchestratorAgent: r.orchestrator_agent as HarnessId,
  workerAgent: r.worker_agent as HarnessId,
  customCommand: r.custom_command,
  orchestratorCustomCommand: r.orchestrator_custom_command,
  setupCommands: JSON.parse(r.setup_commands) as string[],
  copyFiles: JSON.parse(r.copy_files) as CopyFile[],
  approvalPolicy: r.approval_policy,
  notificationsMuted: r.notifications_muted === 1,
});

/** The only module that writes `projects` and `project_env`. */
export function createProjectsRepository(db: Db) {
  const now = () => new Date().toISOString();
  const byId = db.prepare<[string], ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE id = ?`);
  const byLocation = db.prepare<[string, string | null], ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE path = ? AND host_destination IS ?`);
  const summaries = db.prepare<[], ProjectRow & { active: number; total: number }>(`
    SELECT ${COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')},
      (SELECT COUNT(*) FROM sessions s WHERE s.project_id = p.id AND s.state NOT IN ('stopped', 'retired')) AS active,
      (SELECT COUNT(*) FROM sessions s WHERE s.project_id = p.id) AS total
    FROM projects p ORDER BY p.name COLLATE NOCASE, p.id`);
  const envKeysStmt = db.prepare<[string], { key: string }>('SELECT key FROM project_env WHERE project_id = ? ORDER BY key');

  return {
    listSummaries(): ProjectSummary[] {
      // Resolving a launch looks the command up on PATH (a file check per directory): once per distinct command in a
      // list, not once per project (20 projects with the default agent made it most of the list's time).
      const launches = new Map<string, string | null>();
      const launchOf = (harness: HarnessId, command: string): string | null => {
        const key = `${harness}\u0000${command}`;
        if (!launches.has(key)) launches.set(key, configuredLaunch(harness, command));
        return launches.get(key) ?? null;
      };
      return summaries.all().map((r) => ({
        id: r.id,
        name: r.name,
        path: r.path,
        host: hostOf(r),
        // Live, not stored: the service fills it in from the link (ADR 0018).
        hostLink: null,
        prefix: r.prefix,
        baseBranch: r.base_branch,
        orchestratorAgent: r.orchestrator_agent,
        // Resolved as a launch resolves it (PATH lookups, no process), so a changed custom command shows as Restart needed.
        orchestratorLaunch: launchOf(r.orchestrator_agent as HarnessId, customCommandFor(toRecord(r), 'orchestrator')),
        sessionCounts: { active: r.active, total: r.total },
        notificationsMuted: r.notifications_muted === 1,
      }));
    },
    get(id: string): ProjectRecord | null {
      const r = byId.get(id);
      return r ? toRecord(r) : null;
    },
    /** A local project at `path`. */
    findByPath(path: string): ProjectRecord | null {
      const r = byLocation.get(path, null);
      return r ? toRecord(r) : null;
    },
    /** The project at `path` on `host`: a project is unique by where it lives (migration 019), so the same path elsewhere is another one. */
    findByLocation(host: ProjectHost, path: string): ProjectRecord | null {
      const r = byLocation.get(path, host.kind === 'ssh' ? host.destination : null);
      return r ? toRecord(r) : null;
    },
    prefixTaken(prefix: string, exceptId = ''): boolean {
      return !!db.prepare('SELECT 1 FROM projects WHERE prefix = ? AND id != ?').get(prefix, exceptId);
    },
    insert(p: ProjectRecord): void {
      const t = now();
      db.prepare(
        `INSERT INTO projects (${COLUMNS}, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        p.id,
        p.name,
        p.path,
        p.prefix,
        p.baseBranch,
        p.orchestratorAgent,
        p.workerAgent,
        p.customCommand,
        p.orchestratorCustomCommand,
        JSON.stringify(p.setupCommands),
        JSON.stringify(p.copyFiles),
        p.host.kind,
        p.host.kind === 'ssh' ? p.host.destination : null,
        p.approvalPolicy,
        p.notificationsMuted ? 1 : 0,
        t,
        t,
      );
    },
    update(p: ProjectRecord): void {
      db.prepare(
        `UPDATE projects SET name = ?, prefix = ?, base_branch = ?, orchestrator_agent = ?, worker_agent = ?, custom_command = ?,
           orchestrator_custom_command = ?, setup_commands = ?, copy_files = ?, approval_policy = ?, notifications_muted = ?, updated_at = ? WHERE id = ?`,
      ).run(
        p.name,
        p.prefix,
        p.baseBranch,
        p.orchestratorAgent,
        p.workerAgent,
        p.customCommand,
        p.orchestratorCustomCommand,
        JSON.stringify(p.setupCommands),
        JSON.stringify(p.copyFiles),
        p.approvalPolicy,
        p.notificationsMuted ? 1 : 0,
        now(),
        p.id,
      );
    },
    remove(id: string): boolean {
      return db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes > 0;
    },
    envKeys(id: string): string[] {
      return envKeysStmt.all(id).map((r) => r.key);
    },
    /** Settings' list: a non-secret value is shown; a secret's is not even read here. */
    env(id: string): EnvEntry[] {
      return db
        .prepare<[string], { key: string; secret: number; value: string | null }>('SELECT key, secret, CASE WHEN secret = 0 THEN value END AS value FROM project_env WHERE project_id = ? ORDER BY key')
        .all(id)
        .map((r) => ({ key: r.key, secret: r.secret === 1, value: r.secret === 1 ? null : r.value }));
    },
    setEnv(id: string, key: string, value: string, secret = true): void {
      db.prepare(
        `INSERT INTO project_env (project_id, key, value, secret, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (project_id, key) DO UPDATE SET value = excluded.value, secret = excluded.secret, updated_at = excluded.updated_at`,
      ).run(id, key, value, secret ? 1 : 0, now());
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
