import { randomUUID } from 'node:crypto';
import { basename, isAbsolute, normalize, sep } from 'node:path';
import type { HostLinkView, PathInspection, ProjectPatch, ProjectSettings, ProjectSummary } from '../../shared/contracts/projects';
import { DEFAULT_HARNESS } from '../../shared/harness';
import { err, fail, ok, type AppError, type Result } from '../../shared/result';
import { listBranches } from '../git/branches';
import { inspectRepository, slugify } from '../git';
import { unusableEnvKeys } from '../lib/spawn-error';
import { LOCAL_HOST, parseProjectLocation, type ProjectHost } from '../../shared/project-host';
import type { EnvEntry, ProjectRecord, ProjectsRepository } from './repository';

export interface ProjectsServiceDeps {
  repo: ProjectsRepository;
  /** Whether a project still has live worktrees (their branches and paths are named after its prefix). */
  hasLiveWorktrees: (projectId: string) => boolean;
  onChanged: (projectId: string) => void;
  /**
   * A repository on an SSH destination, inspected by running git there (runtime/ssh, ADR 0018).
   * Absent: a location `ssh://…` is refused with a message saying so.
   */
  inspectRemote?: (destination: string, path: string) => Promise<Result<RemoteRepository>>;
  /** The live state of the link to a destination, for the list; absent: shown as idle. */
  hostLinkState?: (destination: string) => HostLinkView;
}

/** What adding a project needs to know of a repository on another machine. */
export interface RemoteRepository {
  topLevel: string;
  currentBranch: string | null;
  branches: string[];
}

const notFound = (id: string) => fail('project_not_found', `There is no project with id ${id}; it may have been removed. Reload the list.`);

export function createProjectsService(deps: ProjectsServiceDeps) {
  const { repo } = deps;

  async function inspect(path: string): Promise<Result<PathInspection>> {
    const location = parseProjectLocation(path);
    if (!location.ok) return fail('invalid_location', location.message);
    if (location.host.kind === 'ssh') {
      const host = location.host;
      if (!deps.inspectRemote) return fail('not_supported', 'This Baton cannot reach SSH destinations; add a local path.');
      const remote = await deps.inspectRemote(host.destination, location.path);
      if (!remote.ok) return remote;
      const { topLevel, currentBranch } = remote.value;
      return ok({ topLevel, currentBranch, suggestedName: topLevel.split('/').filter(Boolean).at(-1) ?? host.destination, existingProjectId: repo.findByLocation(host, topLevel)?.id ?? null });
    }
    const info = await inspectRepository(path);
    if (!info.ok) return err({ code: info.error.code, message: info.error.message });
    return ok({
      topLevel: info.value.topLevel,
      currentBranch: info.value.currentBranch,
      suggestedName: basename(info.value.topLevel),
      existingProjectId: repo.findByPath(info.value.topLevel)?.id ?? null,
    });
  }

  function uniquePrefix(name: string): string {
    const base = slugify(name);
    let candidate = base;
    for (let n = 2; repo.prefixTaken(candidate); n++) candidate = `${base.slice(0, 36)}-${n}`;
    return candidate;
  }

  async function settings(p: ProjectRecord): Promise<Result<ProjectSettings>> {
    const branches = await listBranches(p.path);
    return ok({
      id: p.id,
      name: p.name,
      path: p.path,
      prefix: p.prefix,
      baseBranch: p.baseBranch,
      branches: branches.ok ? branches.value : [p.baseBranch],
      orchestratorAgent: p.orchestratorAgent,
      workerAgent: p.workerAgent,
      customCommand: p.customCommand,
      orchestratorCustomCommand: p.orchestratorCustomCommand,
      envKeys: repo.envKeys(p.id),
      env: repo.env(p.id),
      setupCommands: p.setupCommands,
      copyFiles: p.copyFiles,
      approvalPolicy: p.approvalPolicy,
      notificationsMuted: p.notificationsMuted,
    });
  }

  const withLink = (p: ProjectSummary): ProjectSummary =>
    p.host.kind === 'ssh' ? { ...p, hostLink: deps.hostLinkState?.(p.host.destination) ?? { state: 'idle', reason: null } } : p;
  const list = (): ProjectSummary[] => repo.listSummaries().map(withLink);
  const summaryOf = (id: string): ProjectSummary | undefined => list().find((s) => s.id === id);

  function insertNew(host: ProjectHost, topLevel: string, baseBranch: string, name: string): Result<{ project: ProjectSummary; existed: boolean }> {
    const record: ProjectRecord = {
      id: randomUUID(),
      name,
      path: topLevel,
      host,
      prefix: uniquePrefix(name),
      baseBranch,
      orchestratorAgent: DEFAULT_HARNESS,
      workerAgent: DEFAULT_HARNESS,
      customCommand: '',
      orchestratorCustomCommand: '',
      setupCommands: [],
      copyFiles: [],
      approvalPolicy: 'ask',
      notificationsMuted: false,
    };
    repo.insert(record);
    deps.onChanged(record.id);
    const project = summaryOf(record.id);
    return project ? ok({ project, existed: false }) : fail('internal', 'The project was added but could not be read back.');
  }

  /** `ssh://<destination>/<path>`: git runs on the destination; the project records where it lives. */
  async function addRemote(host: Extract<ProjectHost, { kind: 'ssh' }>, path: string, name: string | undefined): Promise<Result<{ project: ProjectSummary; existed: boolean }>> {
    if (!deps.inspectRemote) return fail('not_supported', 'This Baton cannot reach SSH destinations; add a local path.');
    const info = await deps.inspectRemote(host.destination, path);
    if (!info.ok) return info;
    const { topLevel, currentBranch, branches } = info.value;
    // Unique by (host, path): the same path on this machine or on another destination is another project.
    const found = repo.findByLocation(host, topLevel);
    const existing = found ? summaryOf(found.id) : undefined;
    if (existing) return ok({ project: existing, existed: true });
    const baseBranch = currentBranch ?? branches.find((b) => b === 'main' || b === 'master') ?? branches[0] ?? null;
    if (!baseBranch) return fail('no_branch', `${topLevel} on ${host.destination} has no local branch to start worktrees from; create one there (git switch -c main) and add it again.`);
    return insertNew(host, topLevel, baseBranch, name ?? (topLevel.split('/').filter(Boolean).at(-1) ?? host.destination));
  }

  return {
    inspect,
    list,

    async add(input: { path: string; name?: string }): Promise<Result<{ project: ProjectSummary; existed: boolean }>> {
      const location = parseProjectLocation(input.path);
      if (!location.ok) return fail('invalid_location', location.message);
      if (location.host.kind === 'ssh') return addRemote(location.host, location.path, input.name);
      const checked = await inspect(input.path);
      if (!checked.ok) return checked;
      const { topLevel, currentBranch, suggestedName, existingProjectId } = checked.value;
      const existing = existingProjectId ? summaryOf(existingProjectId) : undefined;
      if (existing) return ok({ project: existing, existed: true });
      let baseBranch = currentBranch;
      if (!baseBranch) {
        const branches = await listBranches(topLevel);
        baseBranch = branches.ok ? (branches.value.find((b) => b === 'main' || b === 'master') ?? branches.value[0] ?? null) : null;
      }
      if (!baseBranch) {
        return fail('no_branch', `${topLevel} has no local branch to start worktrees from; create one (git switch -c main) and add it again.`);
      }
      return insertNew(LOCAL_HOST, topLevel, baseBranch, input.name ?? suggestedName);
    },

    async get(id: string): Promise<Result<ProjectSettings>> {
      const p = repo.get(id);
      return p ? settings(p) : notFound(id);
    },

    async update(id: string, patch: ProjectPatch): Promise<Result<ProjectSettings>> {
      const p = repo.get(id);
      if (!p) return notFound(id);
      if (patch.prefix !== undefined && patch.prefix !== p.prefix) {
        if (repo.prefixTaken(patch.prefix, id)) return fail('prefix_taken', `Another project already uses the prefix "${patch.prefix}"; pick another.`);
        if (deps.hasLiveWorktrees(id)) {
          return fail('prefix_in_use', 'This project has worktrees named after its current prefix; release them before changing it.');
        }
      }
      if (patch.baseBranch !== undefined && patch.baseBranch !== p.baseBranch) {
        const branches = await listBranches(p.path);
        if (branches.ok && !branches.value.includes(patch.baseBranch)) {
          return fail('unknown_branch', `There is no branch "${patch.baseBranch}" in ${p.path}; pick one of its branches.`);
        }
      }
      for (const f of patch.copyFiles ?? []) {
        const problem = copyPathProblem(f.path);
        if (problem) return err(problem);
      }
      const next: ProjectRecord = { ...p, ...stripUndefined(patch) };
      repo.update(next);
      deps.onChanged(id);
      return settings(next);
    },

    setEnv(id: string, key: string, value: string, secret = true): Result<{ envKeys: string[]; env: EnvEntry[] }> {
      if (!repo.get(id)) return notFound(id);
      // The contract refuses these already; this is the last gate before the value is stored. The value is never named.
      if (unusableEnvKeys({ [key]: value }).length) {
        return fail('invalid_input', `The environment variable "${key}" cannot be saved: its name must be non-empty without "=", and its value cannot contain a NUL character.`);
      }
      repo.setEnv(id, key, value, secret);
      deps.onChanged(id);
      return ok({ envKeys: repo.envKeys(id), env: repo.env(id) });
    },

    deleteEnv(id: string, key: string): Result<{ envKeys: string[]; env: EnvEntry[] }> {
      if (!repo.get(id)) return notFound(id);
      repo.deleteEnv(id, key);
      deps.onChanged(id);
      return ok({ envKeys: repo.envKeys(id), env: repo.env(id) });
    },

    remove(id: string): Result<{ removed: boolean }> {
      if (!repo.get(id)) return notFound(id);
      if (deps.hasLiveWorktrees(id)) {
        return fail('project_busy', 'This project still has worktrees; release them first so no work is left behind.');
      }
      const removed = repo.remove(id);
      deps.onChanged(id);
      return ok({ removed });
    },
  };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;

/** Files to copy into worktrees are named relative to the repository and must stay inside it. */
export function copyPathProblem(p: string): AppError | null {
  const n = normalize(p);
  if (isAbsolute(p) || n === '..' || n.startsWith(`..${sep}`) || n.split(sep).includes('..') || p.includes('\0')) {
    return { code: 'path_escape', message: `"${p}" must be a path inside the repository, like .env or config/local.json.` };
  }
  if (n === '.' || n === '.git' || n.startsWith(`.git${sep}`)) {
    return { code: 'invalid_path', message: `"${p}" cannot be copied into a worktree; name a file of the project.` };
  }
  return null;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
