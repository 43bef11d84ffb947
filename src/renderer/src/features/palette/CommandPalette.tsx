/** The command palette (Ctrl/Cmd+K): every action by name, with its shortcut, and why it cannot run when it cannot. */
import { Command } from 'cmdk';
import { useMemo, useState } from 'react';
import { newestActiveOrchestrator } from '../../../../shared/orchestrator';
import { useBaton, useServices } from '../../app/react';
import { useShowChanges } from '../review';
import { paletteCommands, type PaletteActionId, type PaletteCommand, type PaletteGroup } from './commands';
import { cardSessionId, useShortcuts } from './keys';

const GROUPS: PaletteGroup[] = ['Session', 'Project', 'Go to', 'Baton'];

/** Fields the palette points at after it closes, once the view that holds them is on screen. */
function focusSoon(selector: string): void {
  // Two frames: the palette's own focus return and the new view's render both come first.
  requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus()));
}

export function CommandPalette(props: { onNewSession: () => void; onAddProject: () => void; onOpenSettings: () => void }) {
  const { api } = useServices();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [confirming, setConfirming] = useState<PaletteCommand | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The board card that had the focus when the palette opened (j/k): the session its commands act on when none is open.
  const [cursor, setCursor] = useState<string | null>(null);

  const projects = useBaton((s) => s.projects);
  const projectId = useBaton((s) => s.selectedProjectId);
  const openId = useBaton((s) => (s.projectTab === 'board' ? s.openSessionId : null));
  const sessions = useBaton((s) => s.sessions);
  const store = {
    setProjectTab: useBaton((s) => s.setProjectTab),
    showBoard: useBaton((s) => s.showBoard),
    selectProject: useBaton((s) => s.selectProject),
    openSession: useBaton((s) => s.openSession),
  };
  const continueSession = useBaton((s) => s.continueSession);
  const retrySession = useBaton((s) => s.retrySession);
  const replaceOrchestrator = useBaton((s) => s.replaceOrchestrator);
  const showChanges = useShowChanges();

  const project = projects.find((p) => p.id === projectId) ?? null;
  const open0 = openId ? sessions[openId] : undefined;
  const session = (open0 && open0.projectId === projectId ? open0 : null) ?? (cursor ? (sessions[cursor] ?? null) : null);
  const hasOrchestrator = project ? newestActiveOrchestrator(Object.values(sessions), project.id) !== null : false;
  const commands = useMemo(() => paletteCommands({ projects, project, session, sessionOpen: !!open0 && session === open0, hasOrchestrator }), [projects, project, session, open0, hasOrchestrator]);

  const show = () => {
    setCursor(cardSessionId(document.activeElement));
    setSearch('');
    setConfirming(null);
    setError(null);
    setOpen(true);
  };
  const close = () => setOpen(false);

  const tab = (t: 'board' | 'tasks' | 'worktrees' | 'settings') => (t === 'board' ? store.showBoard() : store.setProjectTab(t));
  useShortcuts((a) => {
    if (a === 'palette') return open ? close() : show();
    if (a === 'new-session') return project ? props.onNewSession() : undefined;
    if (project) tab(a.slice('tab-'.length) as 'board' | 'tasks' | 'worktrees' | 'settings');
  });

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
    <Command.Dialog open={open} onOpenChange={(o) => (o ? show() : close())} label="Command palette" contentClassName="palette" overlayClassName="palette-overlay" loop shouldFilter={confirming === null}>
      {/* The input stays while confirming: it holds the focus that cmdk's keys (arrows, Enter) go through. */}
      <Command.Input value={search} onValueChange={setSearch} placeholder={confirming ? 'Enter to confirm, or choose Back' : 'Type a command…'} aria-label="Command" />
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
