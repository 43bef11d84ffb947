/**
 * The command palette's dialog: every action by name, with its shortcut, and why it cannot run when it cannot.
 * Loaded on first use or when the page is idle (cmdk and Radix are not part of the board's first paint); the
 * shortcuts that open it live in CommandPalette.tsx. Mounted afresh on each opening (its search, confirmation and
 * error start empty).
 */
import { Command } from 'cmdk';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TerminalView } from '../../../../shared/contracts/terminals';
import { newestActiveOrchestrator } from '../../../../shared/orchestrator';
import { useBaton, useServices } from '../../app/react';
import { useShowChanges } from '../review';
import { paletteCommands, type PaletteActionId, type PaletteCommand, type PaletteGroup } from './commands';

const GROUPS: PaletteGroup[] = ['Session', 'Project', 'Terminal', 'Go to', 'Baton'];
const NO_TERMINALS: TerminalView[] = [];

/** Fields the palette points at after it closes, once the view that holds them is on screen. */
function focusSoon(selector: string): void {
  // Two frames: the palette's own focus return and the new view's render both come first.
  requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus()));
}

/** `cursor`: the board card that had the focus when the palette opened (j/k), the session its commands act on when none is open. */
export interface PaletteDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  cursor: string | null;
  /** What was typed while the dialog's code loaded: its search starts with it. */
  initialSearch?: string;
  onNewSession: () => void;
  onAddProject: () => void;
  onOpenSettings: () => void;
}

export function PaletteDialog(props: PaletteDialogProps) {
  const { api } = useServices();
  const { open, cursor } = props;
  const [search, setSearch] = useState(props.initialSearch ?? '');
  const input = useRef<HTMLInputElement>(null);
  // The dialog selects its field's text as it takes the focus: text typed while it loaded would be replaced by the next
  // key. The caret goes after it instead, once the dialog has focused the field.
  useEffect(() => {
    if (!props.initialSearch) return;
    const id = requestAnimationFrame(() => {
      const el = input.current;
      if (el && el.selectionStart === 0 && el.selectionEnd === el.value.length) el.setSelectionRange(el.value.length, el.value.length);
    });
    return () => cancelAnimationFrame(id);
  }, [props.initialSearch]);
  const [confirming, setConfirming] = useState<PaletteCommand | null>(null);
  const [error, setError] = useState<string | null>(null);

  const projects = useBaton((s) => s.projects);
  const projectId = useBaton((s) => s.selectedProjectId);
  const openId = useBaton((s) => (s.projectTab === 'board' ? s.openSessionId : null));
  const sessions = useBaton((s) => s.sessions);
  const store = {
    setProjectTab: useBaton((s) => s.setProjectTab),
    showBoard: useBaton((s) => s.showBoard),
    selectProject: useBaton((s) => s.selectProject),
    openSession: useBaton((s) => s.openSession),
    loadTerminals: useBaton((s) => s.loadTerminals),
    focusTerminal: useBaton((s) => s.focusTerminal),
  };
  const terminals = useBaton((s) => (projectId ? (s.terminalLists[projectId] ?? NO_TERMINALS) : NO_TERMINALS));
  /** The open project's run command, read each time the palette opens (null: none set; undefined: not read yet). */
  const [runCommand, setRunCommand] = useState<{ projectId: string; command: string | null } | null>(null);
  const continueSession = useBaton((s) => s.continueSession);
  const retrySession = useBaton((s) => s.retrySession);
  const replaceOrchestrator = useBaton((s) => s.replaceOrchestrator);
  const showChanges = useShowChanges();

  const project = projects.find((p) => p.id === projectId) ?? null;
  const open0 = openId ? sessions[openId] : undefined;
  const session = (open0 && open0.projectId === projectId ? open0 : null) ?? (cursor ? (sessions[cursor] ?? null) : null);
  const hasOrchestrator = project ? newestActiveOrchestrator(Object.values(sessions), project.id) !== null : false;
  const run0 = runCommand && runCommand.projectId === project?.id ? runCommand.command : undefined;
  const commands = useMemo(
    () => paletteCommands({ projects, project, session, sessionOpen: !!open0 && session === open0, hasOrchestrator, terminals, runCommand: run0 }),
    [projects, project, session, open0, hasOrchestrator, terminals, run0],
  );

  // While open, the project's terminals and run command are read (again on each opening, and when the project changes).
  const { loadTerminals } = store;
  useEffect(() => {
    if (!open || !projectId) return;
    let live = true;
    void loadTerminals(projectId);
    void api.terminals.runCommand({ projectId }).then((r) => live && setRunCommand({ projectId, command: r.ok ? r.value.command : null }));
    return () => {
      live = false;
    };
  }, [open, projectId, api, loadTerminals]);
  const close = () => props.onOpenChange(false);

  const tab = (t: 'board' | 'tasks' | 'worktrees' | 'settings') => (t === 'board' ? store.showBoard() : store.setProjectTab(t));

  /** Runs a command; a refusal keeps the palette open and says why and what to do. */
  async function run(id: PaletteActionId): Promise<void> {
    const fail = (what: string, message: string) => setError(`Could not ${what}: ${message} Check the session’s status and try again.`);
    const s = session;
    switch (id) {
      case 'new-session':
        close();
        return props.onNewSession();
      case 'add-project':
        close();
        return props.onAddProject();
      case 'app-settings':
        close();
        return props.onOpenSettings();
      case 'tab-board':
      case 'tab-tasks':
      case 'tab-worktrees':
      case 'tab-settings':
        close();
        return tab(id.slice('tab-'.length) as 'board' | 'tasks' | 'worktrees' | 'settings');
      case 'add-task':
        close();
        tab('tasks');
        return focusSoon('[aria-label="New task"] input');
      case 'replace-orchestrator':
        close();
        tab('board');
        if (project) await replaceOrchestrator(project.id);
        return;
      case 'project-mute': {
        if (!project) return;
        const r = await api.projects.update({ id: project.id, patch: { notificationsMuted: !project.notificationsMuted } });
        if (!r.ok) return setError(`Could not change the project’s notifications: ${r.error.message} Check Baton is running, then try again.`);
        return close();
      }
    }
    if (id.startsWith('project:')) {
      close();
      return store.selectProject(id.slice('project:'.length));
    }
    if (id.startsWith('terminal')) return runTerminal(id);
    if (!s) return;
    switch (id) {
      case 'session-open':
        close();
        return store.openSession(s.id);
      case 'session-prompt':
        close();
        store.setProjectTab('board');
        store.openSession(s.id);
        return focusSoon('textarea[aria-label="Prompt"]');
      case 'session-changes':
        close();
        store.setProjectTab('board');
        store.openSession(s.id);
        return showChanges(s.id);
      case 'session-continue':
        close();
        return continueSession(s.id);
      case 'session-retry':
        close();
        return retrySession(s.id);
    }
    const r =
      id === 'session-cancel'
        ? await api.sessions.cancel({ id: s.id })
        : id === 'session-stop'
          ? await api.sessions.stop({ id: s.id })
          : id === 'session-restart'
            ? await api.sessions.restart({ id: s.id })
            : await api.review.archive({ sessionId: s.id });
    if (!r.ok) return fail(`${id.slice('session-'.length)} “${s.title}”`, r.error.message);
    close();
  }

  /** Opens, runs or switches to a terminal, then shows it in its checkout's panel (the Worktrees tab). */
  async function runTerminal(id: PaletteActionId): Promise<void> {
    if (!project) return;
    const show = (t: TerminalView) => {
      close();
      store.focusTerminal(t);
      tab('worktrees');
    };
    if (id.startsWith('terminal:')) {
      const t = terminals.find((x) => x.id === id.slice('terminal:'.length));
      return t ? show(t) : setError('That terminal is gone: it was closed. Open the palette again for the current list.');
    }
    const r =
      id === 'terminal-new-worktree' && session
        ? await api.terminals.open({ sessionId: session.id })
        : id === 'terminal-run'
          ? await api.terminals.run({ projectId: project.id })
          : await api.terminals.open({ projectId: project.id });
    if (!r.ok) return setError(`Could not ${id === 'terminal-run' ? 'start the run command' : 'open a terminal'}: ${r.error.message}`);
    void store.loadTerminals(project.id);
    show(r.value);
  }

  const select = (c: PaletteCommand) => {
    if (c.disabled) return;
    if (c.confirm && confirming?.id !== c.id) {
      setConfirming(c);
      setSearch('');
      return;
    }
    setConfirming(null);
    void run(c.id as PaletteActionId);
  };

  return (
    <Command.Dialog open={open} onOpenChange={props.onOpenChange} label="Command palette" contentClassName="palette" overlayClassName="palette-overlay" loop shouldFilter={confirming === null}>
      {/* The input stays while confirming: it holds the focus that cmdk's keys (arrows, Enter) go through. */}
      <Command.Input ref={input} value={search} onValueChange={setSearch} placeholder={confirming ? 'Enter to confirm, or choose Back' : 'Type a command…'} aria-label="Command" />
      {confirming ? (
        <Command.List>
          <div className="palette-confirm" role="alert">
            {confirming.confirm}
          </div>
          <Command.Item value="confirm-yes" onSelect={() => select(confirming)}>
            Yes: {confirming.label}
          </Command.Item>
          <Command.Item value="confirm-back" onSelect={() => setConfirming(null)}>
            Back
          </Command.Item>
        </Command.List>
      ) : (
        <Command.List>
          <Command.Empty>No command matches.</Command.Empty>
          {GROUPS.map((g) => {
            const items = commands.filter((c) => c.group === g);
            if (items.length === 0) return null;
            return (
              <Command.Group key={g} heading={g}>
                {items.map((c) => (
                  <Command.Item key={c.id} value={`${c.id} ${c.label}`} keywords={c.keywords} disabled={c.disabled !== null} onSelect={() => select(c)} data-testid="palette-item" data-command={c.id}>
                    <span className="palette-label">
                      {c.label}
                      {c.disabled && <span className="palette-why">{c.disabled}</span>}
                    </span>
                    {c.shortcut && <kbd className="palette-kbd">{c.shortcut}</kbd>}
                  </Command.Item>
                ))}
              </Command.Group>
            );
          })}
        </Command.List>
      )}
      {error && (
        <div className="palette-error" role="alert">
          {error}
        </div>
      )}
      <div className="palette-foot muted small">
        <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to run · <kbd>Esc</kbd> to close · on the board: <kbd>j</kbd> <kbd>k</kbd> and <kbd>Enter</kbd>
      </div>
    </Command.Dialog>
  );
}
