import { randomUUID } from 'node:crypto';
import { basename, isAbsolute, normalize, sep } from 'node:path';
import type { PathInspection, ProjectPatch, ProjectSettings, ProjectSummary } from '../../shared/contracts/projects';
import { DEFAULT_HARNESS } from '../../shared/harness';
import { err, fail, ok, type AppError, type Result } from '../../shared/result';
import { listBranches } from '../git/branches';
import { inspectRepository, slugify } from '../git';
import { unusableEnvKeys } from '../lib/spawn-error';
import type { ProjectRecord, ProjectsRepository } from './repository';

export interface ProjectsServiceDeps {
  repo: ProjectsRepository;
  /** Whether a project still has live worktrees (their branches and paths are named after its prefix). */
  hasLiveWorktrees: (projectId: string) => boolean;
  onChanged: (projectId: string) => void;
}

const notFound = (id: string) => fail('project_not_found', `There is no project with id ${id}; it may have been removed. Reload the list.`);

export function createProjectsService(deps: ProjectsServiceDeps) {
  const { repo } = deps;

  async function inspect(path: string): Promise<Result<PathInspection>> {
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
      envKeys: repo.envKeys(p.id),
      setupCommands: p.setupCommands,
      copyFiles: p.copyFiles,
      approvalPolicy: p.approvalPolicy,
    });
  }

  const summaryOf = (id: string): ProjectSummary | undefined => repo.listSummaries().find((s) => s.id === id);

  return {
    inspect,

    async add(input: { path: string; name?: string }): Promise<Result<{ project: ProjectSummary; existed: boolean }>> {
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
      const name = input.name ?? suggestedName;
      const record: ProjectRecord = {
        id: randomUUID(),
        name,
        path: topLevel,
        prefix: uniquePrefix(name),
        baseBranch,
        orchestratorAgent: DEFAULT_HARNESS,
        workerAgent: DEFAULT_HARNESS,
        customCommand: '',
        setupCommands: [],
        copyFiles: [],
        approvalPolicy: 'ask',
      };
      repo.insert(record);
      deps.onChanged(record.id);
      const project = summaryOf(record.id);
      return project ? ok({ project, existed: false }) : fail('internal', 'The project was added but could not be read back.');
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

    setEnv(id: string, key: string, value: string): Result<{ envKeys: string[] }> {
      if (!repo.get(id)) return notFound(id);
      // The contract refuses these already; this is the last gate before the value is stored. The value is never named.
      if (unusableEnvKeys({ [key]: value }).length) {
        return fail('invalid_input', `The environment variable "${key}" cannot be saved: its name must be non-empty without "=", and its value cannot contain a NUL character.`);
      }
      repo.setEnv(id, key, value);
      deps.onChanged(id);
      return ok({ envKeys: repo.envKeys(id) });
    },

    deleteEnv(id: string, key: string): Result<{ envKeys: string[] }> {
      if (!repo.get(id)) return notFound(id);
      repo.deleteEnv(id, key);
      deps.onChanged(id);
      return ok({ envKeys: repo.envKeys(id) });
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
