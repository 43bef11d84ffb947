import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import type { PreservedView, ReleasedWorktree, WorktreePanel, WorktreeView } from '../../shared/contracts/worktrees';
import { err, fail, ok, type Result } from '../../shared/result';
import { worktreeStatus } from '../../shared/worktrees';
import { createWorktreeManager, type GitError, type WorktreeManager } from '../git';
import type { ProjectRecord, ProjectsRepository } from '../projects/repository';
import { waitUntil } from '../lib/wait';
import { createUseGuard, type SessionFacts, type UseGuard } from './guard';
import { runSetup } from './setup';
import type { WorktreeErrorFact, WorktreeRecord, WorktreesRepository } from './repository';

export interface WorktreesServiceDeps {
  dataDir: string;
  projects: ProjectsRepository;
  worktrees: WorktreesRepository;
  onChanged: (projectId: string) => void;
  /** The project's sessions as stored, for the in-use guard. */
  sessionsOf: (projectId: string) => readonly SessionFacts[];
  /** Stops a session (Release with `stopSession`); late-bound, the sessions service is built after this one. */
  stopSession: (sessionId: string) => Promise<Result<unknown>>;
  /** Running terminals in a worktree, and how to kill them (a confirmed release); late-bound like stopSession. */
  terminalsIn?: (worktreeId: string) => readonly { id: string; title: string }[];
  stopTerminals?: (worktreeId: string) => Promise<Result<unknown>>;
  /** How long a stopped session may take to let go of its worktree. */
  stopWaitMs?: number;
  /** Git and setup on an SSH destination, for projects that live there (ADR 0018); without it such projects are refused. */
  remote?: RemoteWorktrees;
}

/** What the service needs of a project's machine when it is not this one; runtime/ssh implements it. */
export interface RemoteWorktrees {
  /** A WorktreeManager running git on the destination (Baton's own git module, run there). */
  manager(destination: string, repoPath: string): Promise<Result<WorktreeManager, GitError>>;
  /** The worktree's setup run there; its log says which machine each line ran on. */
  setup(destination: string, req: { repoPath: string; worktreePath: string; copyFiles: ProjectRecord['copyFiles']; commands: readonly string[]; env: Record<string, string> }): Promise<{ ok: boolean; log: string }>;
}

export interface ReleaseOptions {
  /** Stop the sessions that hold the worktree first (the panel's confirmed “Stop the session and release”). */
  stopSession?: boolean;
  /** The session whose work this is (`refs/baton/preserved/<id>`); by default the worktree's newest session, else the worktree's id. */
  preserveAs?: string;
}

const asFact = (e: GitError): WorktreeErrorFact => ({
  code: e.code,
  kind: e.kind,
  message: e.message,
  ...(e.gitMessage ? { gitMessage: e.gitMessage } : {}),
});

export function createWorktreesService(deps: WorktreesServiceDeps) {
  const guard: UseGuard = createUseGuard({ sessionsOf: deps.sessionsOf, worktrees: deps.worktrees, ...(deps.terminalsIn ? { terminalsIn: deps.terminalsIn } : {}) });
  const managers = new Map<string, Promise<Result<WorktreeManager, GitError>>>();
  const pending = new Set<Promise<unknown>>();

  function manager(project: ProjectRecord): Promise<Result<WorktreeManager, GitError>> {
    const projectId = project.id;
    let m = managers.get(projectId);
    if (!m) {
      const host = project.host;
      m = host.kind === 'ssh' && deps.remote ? deps.remote.manager(host.destination, project.path) : createWorktreeManager({ repoPath: project.path, worktreeRoot: join(deps.dataDir, 'worktrees') });
      managers.set(projectId, m);
      // A failure (repository moved, say) is not cached: the next call tries again.
      void m.then((r) => {
        if (!r.ok) managers.delete(projectId);
      });
    }
    return m;
  }

  const heldBy = (w: WorktreeRecord, holders = w.state === 'released' ? [] : guard.holders(w)): WorktreeView['heldBy'] => {
    const h = holders[0];
    return h ? { id: h.id, title: h.title, state: h.state } : null;
  };

  /** Whose work a snapshot holds, said in its commit message: the session (id and title), else the bare worktree. */
  const workOf = (w: WorktreeRecord, as: string): string => {
    const s = deps.sessionsOf(w.projectId).find((x) => x.id === as);
    if (s) return `session ${s.id} ("${s.title}")`;
    return as === w.id ? `worktree ${w.name} (no session)` : `session ${as}`;
  };

  /** `holders`: the sessions holding it, when the caller has them already (a list reads the project's sessions once). */
  const view = (w: WorktreeRecord, registered: boolean | null, holders?: SessionFacts[]): WorktreeView => ({
    id: w.id,
    projectId: w.projectId,
    name: w.name,
    role: w.role,
    branch: w.branch,
    baseBranch: w.baseBranch,
    path: w.path,
    status: worktreeStatus({ state: w.state, hasError: w.lastError !== null, registered }),
    lastError: w.lastError,
    setup: { state: w.setupState, log: w.setupLog },
    heldBy: heldBy(w, holders),
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  });

  /** ok once no session holds the worktree: at once, or after stopping the holders when the person confirmed it. */
  async function letGo(w: WorktreeRecord, stopSession: boolean): Promise<Result<void>> {
    const inUse = guard.worktree(w.id);
    if (inUse.ok || !stopSession) return inUse;
    // Terminals first: a dev server in the folder must not outlive the agent that is stopped next.
    if (guard.terminals(w.id).length > 0 && deps.stopTerminals) {
      const killed = await deps.stopTerminals(w.id);
      if (!killed.ok) return err({ code: 'stop_failed', message: `Could not kill the terminals of worktree "${w.name}" to release it: ${killed.error.message}` });
    }
    for (const h of guard.holders(w)) {
      const stopped = await deps.stopSession(h.id);
      if (!stopped.ok) return err({ code: 'stop_failed', message: `Could not stop session "${h.title}" to release its worktree: ${stopped.error.message}` });
    }
    await waitUntil(() => guard.holders(w).length === 0, deps.stopWaitMs ?? 15_000, 100);
    const still = guard.worktree(w.id);
    return still.ok ? still : err({ code: 'stop_failed', message: `The session was asked to stop but still holds its worktree; nothing was released. ${still.error.message}` });
  }

  /** Records a worktree git just made and starts its setup in the background; `afterSetup` adds a line to its log. */
  function record(projectId: string, name: string, role: 'worker' | 'orchestrator', created: { path: string; branch: string; baseBranch?: string }, afterSetup?: () => Promise<string>): string {
    const project = deps.projects.get(projectId);
    const hasSetup = !!project && (project.setupCommands.length > 0 || project.copyFiles.length > 0);
    const id = randomUUID();
    deps.worktrees.insert({ id, projectId, name, role, branch: created.branch, baseBranch: created.baseBranch ?? null, path: created.path, state: 'active', lastError: null, setupState: hasSetup ? 'running' : 'none', setupLog: '' });
    deps.onChanged(projectId);
    if (project && hasSetup) {
      const host = project.host;
      const task = (
        host.kind === 'ssh' && deps.remote
          ? // On the machine the worktree is on, with that machine's environment plus the project's variables.
            deps.remote.setup(host.destination, { repoPath: project.path, worktreePath: created.path, copyFiles: project.copyFiles, commands: project.setupCommands, env: deps.projects.envForAgent(projectId) })
          : runSetup({ repoPath: project.path, worktreePath: created.path, copyFiles: project.copyFiles, commands: project.setupCommands, env: { ...process.env, ...deps.projects.envForAgent(projectId) } })
      )
        .then(async (outcome) => {
          const more = afterSetup ? await afterSetup() : '';
          deps.worktrees.setSetup(id, outcome.ok ? 'ok' : 'failed', outcome.log + more);
          deps.onChanged(projectId);
        })
        .catch((e: unknown) => {
          deps.worktrees.setSetup(id, 'failed', `Setup could not run: ${(e as Error).message}`);
          deps.onChanged(projectId);
        })
        .finally(() => pending.delete(task));
      pending.add(task);
    }
    return id;
  }

  async function withProject<T>(projectId: string, fn: (m: WorktreeManager) => Promise<Result<T>>): Promise<Result<T>> {
    const project = deps.projects.get(projectId);
    if (!project) return fail('project_not_found', `There is no project with id ${projectId}.`);
    // Never local git on a remote path: a core built without SSH support says so (ADR 0018).
    if (project.host.kind !== 'local' && !deps.remote) return fail('remote_not_supported', `${project.name} lives on ${project.host.destination}; this Baton cannot run git there. Its project entry is kept.`);
    const m = await manager(project);
    if (!m.ok) return err({ code: m.error.code, message: m.error.message });
    return fn(m.value);
  }

  return {
    list(projectId: string): Promise<Result<WorktreePanel>> {
      return withProject(projectId, async (m) => {
        const live = deps.worktrees.listLive(projectId);
        const rec = await m.reconcile(live.filter((w) => w.state !== 'released').map((w) => w.path));
        const preserved = await m.listPreserved();
        const present = new Set(rec.ok ? rec.value.present : []);
        const held = guard.holdersByWorktree(projectId);
        const views = live.map((w) => view(w, rec.ok ? present.has(w.path) : null, held.get(w.id) ?? []));
        const refs: PreservedView[] = preserved.ok ? preserved.value : [];
        return ok({ worktrees: views, preserved: refs, unregistered: rec.ok ? rec.value.unregistered : [] });
      });
    },

    /** `opts`: a worker's own branch name and the branch it starts from (by default the project's base; `baton session new --base`). */
    create(projectId: string, name: string, role: 'worker' | 'orchestrator' = 'worker', opts: { branch?: string; baseBranch?: string } = {}): Promise<Result<WorktreeView>> {
      return withProject(projectId, async (m) => {
        const project = deps.projects.get(projectId);
        if (!project) return fail('project_not_found', `There is no project with id ${projectId}.`);
        const base = opts.baseBranch ?? project.baseBranch;
        const created = await m.create({ prefix: project.prefix, name, baseBranch: base, role, ...(opts.branch ? { branch: opts.branch } : {}) });
        if (!created.ok) return err({ code: created.error.code, message: created.error.message });
        const id = record(projectId, role === 'orchestrator' ? 'orchestrator' : name, role, { ...created.value, baseBranch: base });
        const row = deps.worktrees.get(id);
        return row ? ok(view(row, true)) : fail('internal', 'The worktree was created but could not be read back.');
      });
    },

    /**
     * Preserves the worktree's uncommitted work under the session that did it,
     * removes it and verifies it is gone. The in-use guard is asked first: a
     * worktree a session holds is refused, or with `stopSession` that session
     * is stopped (and seen to let go) before anything is touched.
     */
    async release(worktreeId: string, opts: ReleaseOptions = {}): Promise<Result<ReleasedWorktree>> {
      const w = deps.worktrees.get(worktreeId);
      if (!w) return fail('worktree_not_found', `There is no worktree with id ${worktreeId}.`);
      if (w.state === 'released') return ok({ ...view(w, false), preservedRef: null });
      const free = await letGo(w, opts.stopSession === true);
      if (!free.ok) return free;
      const as = opts.preserveAs ?? guard.owner(w)?.id ?? w.id;
      return withProject(w.projectId, async (m) => {
        // Recorded before acting: a crash mid-release leaves a row that says so, and Retry continues.
        deps.worktrees.setState(w.id, 'releasing', null);
        deps.onChanged(w.projectId);
        const r = await m.release(w.path, as, workOf(w, as));
        if (r.ok) deps.worktrees.setState(w.id, 'released', null);
        else deps.worktrees.setState(w.id, 'releasing', asFact(r.error));
        deps.onChanged(w.projectId);
        const after = deps.worktrees.get(w.id);
        if (!after) return fail('internal', 'The worktree row vanished during release.');
        return r.ok ? ok({ ...view(after, false), preservedRef: r.value.preserved?.ref ?? null }) : err({ code: r.error.code, message: r.error.message });
      });
    },

    /** The in-use guard, for other destructive paths (Retire duplicates) to ask. */
    guard,

    /** Snapshots the worktree's uncommitted work (tracked and untracked, not ignored) without touching its branch. */
    async preserve(worktreeId: string, as: string): Promise<Result<{ ref: string | null }>> {
      const w = deps.worktrees.get(worktreeId);
      if (!w) return fail('worktree_not_found', `There is no worktree with id ${worktreeId}.`);
      // Already released: whatever it held was preserved on the way out.
      if (w.state === 'released') return ok({ ref: null });
      return withProject(w.projectId, async (m) => {
        const r = await m.preserve(w.path, as, workOf(w, as));
        if (!r.ok) return err({ code: r.error.code, message: r.error.message });
        return ok({ ref: r.value.ref });
      });
    },

    async restore(worktreeId: string, ref: string): Promise<Result<{ files: string[] }>> {
      const w = deps.worktrees.get(worktreeId);
      if (!w || w.state !== 'active') return fail('worktree_not_found', 'Restore into an active worktree of this project.');
      return withProject(w.projectId, async (m) => {
        const r = await m.restore(ref, w.path);
        if (!r.ok) return err({ code: r.error.code, message: r.error.message });
        deps.onChanged(w.projectId);
        return ok(r.value);
      });
    },

    /** A new worktree with the preserved work applied, then the project's setup (which keeps the restored files). */
    restoreNew(projectId: string, ref: string, name?: string): Promise<Result<{ worktree: WorktreeView; files: string[] }>> {
      return withProject(projectId, async (m) => {
        const project = deps.projects.get(projectId);
        if (!project) return fail('project_not_found', `There is no project with id ${projectId}.`);
        const wanted = name ?? `restored-${ref.slice(ref.lastIndexOf('/') + 1, ref.lastIndexOf('/') + 9)}`;
        let r = await m.restoreAsNew({ prefix: project.prefix, name: wanted, ref });
        // Only a name of our own choosing is varied; a person's choice that is taken is said back to them.
        for (let n = 2; !name && !r.ok && r.error.code === 'path_in_use' && n < 10; n++) r = await m.restoreAsNew({ prefix: project.prefix, name: `${wanted}-${n}`, ref });
        if (!r.ok) return err({ code: r.error.code, message: r.error.message });
        // The work went in before setup (setup sees the restored package.json); what setup then rewrote is put back.
        const putBack = async (): Promise<string> => {
          const back = await m.putBack(ref, r.value.path);
          if (!back.ok) return `✗ could not check the restored files after setup: ${back.error.message}\n`;
          return back.value.length ? `✓ put back restored files setup had rewritten: ${back.value.join(', ')}\n` : '';
        };
        const id = record(projectId, basename(r.value.path), 'worker', r.value, putBack);
        const row = deps.worktrees.get(id);
        return row ? ok({ worktree: view(row, true), files: r.value.files }) : fail('internal', 'The worktree was created but could not be read back.');
      });
    },

    /** Waits for setup runs still going (shutdown, tests). */
    async idle(): Promise<void> {
      await Promise.allSettled([...pending]);
    },
  };
}

export type WorktreesService = ReturnType<typeof createWorktreesService>;
