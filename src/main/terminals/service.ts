/** The terminals domain: open, follow, type into, resize, kill, restart and close terminals whose ptys live in detached hosts (ADR 0017). */
import { randomUUID } from 'node:crypto';
import type { TerminalOutput, TerminalView } from '../../shared/contracts/terminals';
import { fail, ok, type Result } from '../../shared/result';
import { LOGIN_SHELL, type TerminalExitFact, type TerminalHostPort, type TerminalScrollback } from './host-port';
import { createLiveTerminals } from './live';
import { resolvePlace, shellCommand, shellEnv, type PlaceDeps } from './place';
import type { TerminalRecord, TerminalsRepository } from './repository';

export interface TerminalsServiceDeps extends PlaceDeps {
  dataDir: string;
  repo: TerminalsRepository;
  port: TerminalHostPort;
  /** The project's configured variables, for the shell's environment (never for a payload or a log). */
  projectEnv(projectId: string): Record<string, string>;
  emitChanged(t: { terminalId: string; projectId: string; worktreeId: string | null }): void;
  emitOutput(o: TerminalOutput): void;
  /** Scans the ports a terminal's processes listen on (ports.ts); absent: none are looked for. */
  scanPorts?(terminalId: string): number[];
  /** The environment shells start from (tests pass their own); process.env by default. */
  baseEnv?: NodeJS.ProcessEnv;
}

const KILL_GRACE_MS = 2000;
/** Ports are looked for only while a run terminal runs, at most this often; nothing polls when none does. */
const PORT_POLL_MS = 2000;

const describeExit = (e: TerminalExitFact): string | null => {
  if (e.cause === 'spawn_failed' || e.cause === 'host_failed') return e.error ?? 'The terminal host failed.';
  if (e.cause === 'killed') return 'Killed from Baton.';
  return e.signal ? `Ended by signal ${e.signal}.` : null;
};

export function createTerminalsService(deps: TerminalsServiceDeps) {
  const { repo, port, dataDir } = deps;
  const baseEnv = deps.baseEnv ?? process.env;
  const live = createLiveTerminals(deps.emitOutput);
  /** Terminals being reattached or launched now: a second reattach or a kill waits for it. */
  const busy = new Map<string, Promise<unknown>>();
  let closing = false;
  /** The ports each running run terminal was last seen listening on. */
  const ports = new Map<string, number[]>();
  let portTimer: ReturnType<typeof setInterval> | null = null;
  /**
   * Running terminals whose machine (an SSH destination) cannot be reached now, with why: shown Disconnected,
   * not lost — the shell runs on there — and followed again when the link returns (`reattachAll`). In memory
   * only: at startup each running row is asked again, and an unreachable one is put back here.
   */
  const unreachable = new Map<string, string>();

  const view = (t: TerminalRecord): TerminalView => ({
    id: t.id,
    projectId: t.projectId,
    worktreeId: t.worktreeId,
    cwd: t.cwd,
    title: t.title,
    kind: t.kind,
    state: t.state,
    exitCode: t.exitCode,
    stateDetail: t.stateDetail,
    unreachable: t.state === 'running' ? (unreachable.get(t.id) ?? null) : null,
    cols: t.cols,
    rows: t.rows,
    ports: t.state === 'running' && t.kind === 'run' ? (ports.get(t.id) ?? []) : [],
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  });

  const changed = (t: Pick<TerminalRecord, 'id' | 'projectId' | 'worktreeId'>): void => deps.emitChanged({ terminalId: t.id, projectId: t.projectId, worktreeId: t.worktreeId });

  const current = (id: string): Result<TerminalRecord> => {
    const t = repo.get(id);
    return t ? ok(t) : fail('terminal_not_found', `There is no terminal with id ${id}; \`baton terminal list\` shows them.`);
  };

  const once = <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    const before = busy.get(id) ?? Promise.resolve();
    const p = before.catch(() => undefined).then(fn);
    const settled = p.catch(() => undefined);
    busy.set(id, settled);
    void settled.then(() => {
      if (busy.get(id) === settled) busy.delete(id);
    });
    return p;
  };

  /** Starts the port scan when a run terminal runs; it stops itself once none does. */
  function watchPorts(): void {
    const scan = deps.scanPorts;
    // Only this machine's /proc is read: a run terminal on an SSH destination shows no ports (ADR 0017's amendment).
    const runs = (): TerminalRecord[] => repo.listRunning().filter((t) => t.kind === 'run' && deps.project(t.projectId)?.host?.kind !== 'ssh');
    if (!scan || portTimer || closing || runs().length === 0) return;
    portTimer = setInterval(() => {
      const list = runs();
      if (list.length === 0 || closing) {
        if (portTimer) clearInterval(portTimer);
        portTimer = null;
        ports.clear();
        return;
      }
      for (const t of list) {
        const found = scan(t.id);
        if (found.join(',') === (ports.get(t.id) ?? []).join(',')) continue;
        ports.set(t.id, found);
        changed(t);
      }
    }, PORT_POLL_MS);
    portTimer.unref();
  }

  /**
   * The connection to a host ended while main runs: its recorded exit; without one, the host is looked for again
   * (a connection through an SSH link ends when the link drops, and the shell runs on there), and only a host that
   * is gone without an exit is lost.
   */
  function ended(id: string, exit: TerminalExitFact | null): void {
    if (closing) return;
    const t = repo.get(id);
    if (!t || t.state !== 'running') return;
    if (exit) {
      settle(t, exit);
      return;
    }
    void once(id, () => follow(repo.get(id) ?? t, 'Its terminal host ended without recording an exit (killed, or the machine restarted).'));
  }

  const settle = (t: TerminalRecord, fact: TerminalExitFact): void => {
    unreachable.delete(t.id);
    repo.setEnded(t.id, 'exited', fact.cause === 'spawn_failed' ? null : fact.code, describeExit(fact));
    changed(t);
  };

  /** Disconnected: the host's machine cannot be reached; the row stays running. */
  const lostSight = (t: TerminalRecord, why: string): void => {
    if (unreachable.get(t.id) === why) return;
    unreachable.set(t.id, why);
    changed(t);
  };

  /** Connects to a running terminal's host and follows it; a host that is gone settles the row as exited or lost, one that cannot be reached leaves it Disconnected. */
  async function follow(t: TerminalRecord, goneWhy?: string): Promise<void> {
    if (live.has(t.id) || closing || repo.get(t.id)?.state !== 'running') return;
    const c = t.host ? await port.connect(t.id, dataDir, t.host) : null;
    if (!c?.ok) {
      if (c && !c.ok && c.error.code === 'unreachable') return lostSight(t, c.error.message);
      const why = goneWhy ?? (c && !c.ok ? c.error.message : 'Baton stopped before its terminal host was up.');
      const fact = await port.exitOf(t.id, dataDir);
      if (!fact.ok) return lostSight(t, fact.error.message);
      if (fact.value) return settle(t, fact.value);
      unreachable.delete(t.id);
      repo.setEnded(t.id, 'lost', null, `${why} Restart opens a new shell in the same folder.`);
      changed(t);
      return;
    }
    const was = unreachable.delete(t.id);
    await live.adopt(t.id, c.value.link, (exit) => ended(t.id, exit));
    if (was) changed(t);
    if (t.kind === 'run') watchPorts();
  }

  /** Launches a host for a row recorded as running; undoes nothing on failure, says why. */
  async function launch(t: TerminalRecord): Promise<Result<TerminalRecord>> {
    // A shell on an SSH destination starts from that machine's environment (its helper puts it below these), not this one's.
    const onSsh = deps.project(t.projectId)?.host?.kind === 'ssh';
    const launched = await port.launch({
      terminalId: t.id,
      dataDir,
      cwd: t.cwd,
      command: t.command.command,
      args: t.command.args,
      env: shellEnv(onSsh ? {} : baseEnv, deps.projectEnv(t.projectId), t.id),
      cols: t.cols,
      rows: t.rows,
    });
    if (!launched.ok) return launched;
    repo.setRunning(t.id, launched.value);
    const row = repo.get(t.id) as TerminalRecord;
    await follow(row);
    return ok(repo.get(t.id) as TerminalRecord);
  }

  async function create(q: { projectId?: string; worktreeId?: string; sessionId?: string; cwd?: string; title?: string; cols: number; rows: number }, kind: 'shell' | 'run', runCommand?: string): Promise<Result<TerminalView>> {
    const place = resolvePlace(deps, q);
    if (!place.ok) return place;
    const p = place.value;
    const siblings = repo.list({ projectId: p.projectId }).filter((x) => x.worktreeId === p.worktreeId).length;
    const id = randomUUID();
    // Persist, then act: a crash before the host is up leaves a running row with no host, which startup marks lost.
    const row = repo.insert({
      id,
      projectId: p.projectId,
      worktreeId: p.worktreeId,
      cwd: p.cwd,
      title: q.title ?? (kind === 'run' ? `run · ${p.label}` : `${p.label} · ${siblings + 1}`),
      kind,
      // On an SSH destination: the login shell there, found by its helper.
      command: shellCommand(p.destination ? { SHELL: LOGIN_SHELL } : baseEnv, runCommand),
      cols: q.cols,
      rows: q.rows,
    });
    changed(row);
    const r = await once(id, () => launch(row));
    if (!r.ok) {
      // Nothing ran: the row goes, so no ghost terminal is left to explain.
      await port.remove(id, dataDir);
      repo.delete(id);
      changed(row);
      return r;
    }
    return ok(view(r.value));
  }

  function killTerminal(id: string): Promise<Result<TerminalView>> {
    return once(id, async () => {
      const t = current(id);
      if (!t.ok) return t;
      const link = live.link(id);
      const away = unreachable.get(id);
      if (t.value.state === 'running' && !link && away) return fail('unreachable', `Terminal "${t.value.title}" cannot be killed now: ${away} It runs on there; kill it once Baton is connected again.`);
      if (t.value.state === 'running' && link) {
        const exit = await link.kill(KILL_GRACE_MS);
        // The connection's end records the exit; a host that would not go is said to be lost rather than left running.
        if (repo.get(id)?.state === 'running') ended(id, exit);
      }
      return ok(view(repo.get(id) as TerminalRecord));
    });
  }

  return {
    list: (filter: { projectId?: string; worktreeId?: string }): TerminalView[] => repo.list(filter).map(view),

    /** The project a terminal belongs to (where its host runs follows from it); null for one not known. */
    projectOf: (id: string): string | null => repo.get(id)?.projectId ?? null,

    get(id: string): Result<TerminalView> {
      const t = current(id);
      return t.ok ? ok(view(t.value)) : t;
    },

    open: (q: { projectId?: string; worktreeId?: string; sessionId?: string; cwd?: string; title?: string; cols: number; rows: number }) => create(q, 'shell'),

    /** The project's run command in its own terminal; a run terminal already running in that checkout is returned. */
    async run(projectId: string, worktreeId?: string): Promise<Result<TerminalView>> {
      const command = repo.runCommand(projectId);
      if (!command) return fail('no_run_command', 'This project has no run command yet; set one (`npm run dev`, say) in the project settings or with terminals.setRunCommand.');
      const already = repo.list({ projectId }).find((t) => t.kind === 'run' && t.state === 'running' && t.worktreeId === (worktreeId ?? null));
      if (already) return ok(view(already));
      return create({ projectId, ...(worktreeId ? { worktreeId } : {}), cols: 120, rows: 30 }, 'run', command);
    },

    /** $EDITOR (a command line the person set, so it runs through their shell) in a terminal of its own, on the checkout. */
    openEditor: (q: { projectId?: string; worktreeId?: string; sessionId?: string }, editor: string) => create({ ...q, cols: 120, rows: 30, title: 'editor' }, 'shell', `${editor} .`),

    /** Where a project, worktree or session's checkout is (for "open in"). */
    place: (q: { projectId?: string; worktreeId?: string; sessionId?: string }) => resolvePlace(deps, q),

    runCommand: (projectId: string) => repo.runCommand(projectId),
    setRunCommand(projectId: string, command: string | null): Result<{ command: string | null }> {
      if (!deps.project(projectId)) return fail('project_not_found', `There is no project with id ${projectId}.`);
      repo.setRunCommand(projectId, command);
      return ok({ command });
    },

    input(id: string, data: string): Result<Record<string, never>> {
      const t = current(id);
      if (!t.ok) return t;
      const link = live.link(id);
      const away = unreachable.get(id);
      if (t.value.state === 'running' && !link && away) return fail('unreachable', `Terminal "${t.value.title}" is Disconnected: ${away} What you type can reach it once Baton is connected again.`);
      if (t.value.state !== 'running' || !link) return fail('terminal_not_running', `Terminal "${t.value.title}" is ${t.value.state}; Restart it to type again.`);
      link.input(data);
      return ok({});
    },

    resize(id: string, cols: number, rows: number): Result<Record<string, never>> {
      const t = current(id);
      if (!t.ok) return t;
      repo.setSize(id, cols, rows);
      live.link(id)?.resize(cols, rows);
      return ok({});
    },

    kill: (id: string) => killTerminal(id),

    restart(id: string): Promise<Result<TerminalView>> {
      return once(id, async () => {
        const t = current(id);
        if (!t.ok) return t;
        if (t.value.state === 'running') return fail('terminal_running', `Terminal "${t.value.title}" is still running; kill it first, then Restart.`);
        repo.setRunning(id, null);
        changed(t.value);
        const r = await launch(t.value);
        if (!r.ok) {
          repo.setEnded(id, 'lost', null, `Restart failed: ${r.error.message}`);
          changed(t.value);
          return r;
        }
        changed(r.value);
        return ok(view(r.value));
      });
    },

    async close(id: string, kill: boolean): Promise<Result<{ closed: boolean }>> {
      const t = current(id);
      if (!t.ok) return t;
      if (t.value.state === 'running') {
        if (!kill) return fail('terminal_running', `Terminal "${t.value.title}" is running; kill it first, or close it with kill (what runs in it stops).`);
        const k = await killTerminal(id);
        if (!k.ok) return k;
        if (repo.get(id)?.state === 'running') return fail('kill_failed', `Terminal "${t.value.title}" did not stop; nothing was removed. Try again.`);
      }
      // Removed first: where its files are follows from its row.
      await port.remove(id, dataDir);
      repo.delete(id);
      unreachable.delete(id);
      changed(t.value);
      return ok({ closed: true });
    },

    async scrollback(id: string): Promise<Result<TerminalScrollback>> {
      const t = current(id);
      if (!t.ok) return t;
      const mirror = live.scrollback(id);
      return mirror ? ok(mirror) : port.scrollback(id, dataDir);
    },

    /** Running terminals in a worktree: they hold it (the use guard asks). */
    runningIn: (worktreeId: string): TerminalRecord[] => repo.list({ worktreeId }).filter((t) => t.state === 'running'),

    /** Kills every running terminal of a worktree (a confirmed release); ok once none runs. */
    async stopIn(worktreeId: string): Promise<Result<void>> {
      for (const t of repo.list({ worktreeId }).filter((x) => x.state === 'running')) {
        const r = await killTerminal(t.id);
        if (!r.ok) return r;
      }
      const left = repo.list({ worktreeId }).filter((x) => x.state === 'running');
      return left.length === 0 ? ok(undefined) : fail('kill_failed', `Terminal "${left[0]?.title}" did not stop; nothing was released.`);
    },

    /** Startup, Reconcile now, and an SSH link that is back: follow every terminal recorded running and not followed; a host that is gone becomes exited or lost, one still unreachable stays Disconnected. */
    async reattachAll(): Promise<{ reattached: number; ended: number; disconnected: number }> {
      let reattached = 0;
      let gone = 0;
      let away = 0;
      await Promise.all(
        repo.listRunning().map((t) =>
          once(t.id, async () => {
            if (live.has(t.id)) return;
            await follow(t);
            if (live.has(t.id)) reattached++;
            else if (repo.get(t.id)?.state === 'running' && unreachable.has(t.id)) away++;
            else gone++;
          }),
        ),
      );
      return { reattached, ended: gone, disconnected: away };
    },

    /** Quit or restart of main: every host keeps running; the next start reattaches. */
    async shutdown(): Promise<void> {
      closing = true;
      if (portTimer) clearInterval(portTimer);
      portTimer = null;
      await Promise.allSettled([...busy.values()]);
      live.detachAll();
    },
  };
}

export type TerminalsService = ReturnType<typeof createTerminalsService>;
