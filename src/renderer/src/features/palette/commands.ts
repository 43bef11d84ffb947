/** The palette's commands, built by one pure function from where the person is and what the selected session allows. */
import type { ProjectSummary } from '../../../../shared/contracts/projects';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import type { TerminalView } from '../../../../shared/contracts/terminals';
import { sessionView, summaryFacts, type SessionAffordances } from '../../../../shared/session-view';
import { terminalCommands } from './terminal-commands';

export type PaletteGroup = 'Session' | 'Project' | 'Terminal' | 'Go to' | 'Baton';

export interface PaletteCommand {
  id: string;
  group: PaletteGroup;
  label: string;
  /** Shown beside it, and what it answers to outside the palette. */
  shortcut?: string;
  /** Why it cannot run now, in words; null when it can. */
  disabled: string | null;
  /** Asked once more in the palette before it runs (it stops or replaces something). */
  confirm?: string;
  /** Extra words it is found by. */
  keywords?: string[];
}

/** What each command does, supplied by the shell: the palette knows names and rules, not the app's wiring. */
export type PaletteActionId =
  | 'new-session'
  | 'add-project'
  | 'app-settings'
  | 'tab-board'
  | 'tab-tasks'
  | 'tab-worktrees'
  | 'tab-settings'
  | 'add-task'
  | 'replace-orchestrator'
  | 'project-mute'
  | 'session-open'
  | 'session-prompt'
  | 'session-cancel'
  | 'session-stop'
  | 'session-continue'
  | 'session-retry'
  | 'session-restart'
  | 'session-archive'
  | 'session-changes'
  | 'terminal-new-worktree'
  | 'terminal-new-project'
  | 'terminal-run'
  | `terminal:${string}`
  | `project:${string}`;

export interface PaletteContext {
  projects: readonly ProjectSummary[];
  project: ProjectSummary | null;
  /** The session the session commands act on: the open one, else the one selected on the board (j/k). */
  session: SessionSummary | null;
  /** The session is open in the view (not only selected on the board). */
  sessionOpen: boolean;
  /** The project has a current orchestrator that Replace would replace. */
  hasOrchestrator: boolean;
  /** The project's terminals (to switch to); none when not known. */
  terminals?: readonly TerminalView[];
  /** The project's run command: null when none is set, undefined while unknown. */
  runCommand?: string | null;
}

const SESSION_ACTIONS: { id: PaletteActionId; label: string; can: keyof SessionAffordances | null; shortcut?: string; confirm?: string; keywords?: string[] }[] = [
  { id: 'session-open', label: 'Open session', can: null, shortcut: 'Enter' },
  { id: 'session-prompt', label: 'Focus the prompt box', can: 'prompt', keywords: ['message', 'send'] },
  { id: 'session-cancel', label: 'Cancel the turn', can: 'cancel' },
  { id: 'session-stop', label: 'Stop session', can: 'stop', confirm: 'Stop this session? Its agent and every process it started are stopped.' },
  { id: 'session-continue', label: 'Continue session', can: 'continue', keywords: ['resume'] },
  { id: 'session-retry', label: 'Retry session', can: 'retry' },
  { id: 'session-restart', label: 'Restart session', can: 'restart', keywords: ['start again'] },
  { id: 'session-archive', label: 'Archive session', can: 'archive', confirm: 'Archive this session? Its uncommitted work is kept under a ref and its worktree released.' },
  { id: 'session-changes', label: 'Show changes', can: null, keywords: ['diff', 'review'] },
];

/** Why an affordance is off, for people: the view's own refusal for a prompt, else what state allows it. */
const WHY_NOT: Record<keyof SessionAffordances, string> = {
  prompt: '',
  cancel: 'Nothing to cancel: the agent is not working on a turn.',
  stop: 'It has already stopped.',
  continue: 'Only an interrupted session can be continued.',
  retry: 'Only a failed session can be retried.',
  restart: 'Only a stopped session can be restarted.',
  archive: 'Only a stopped, failed, interrupted or retired session can be archived: stop it first.',
  answer: 'Nothing is waiting for an answer.',
  commit: 'The agent is working on a turn: wait for it or Cancel, then commit.',
};

export function paletteCommands(ctx: PaletteContext): PaletteCommand[] {
  const out: PaletteCommand[] = [];
  const noProject = ctx.project ? null : 'Add or open a project first.';
  const s = ctx.session;
  if (s) {
    const view = sessionView(summaryFacts(s));
    const who = `“${s.title}” (${view.label})`;
    for (const a of SESSION_ACTIONS) {
      if (a.id === 'session-open' && ctx.sessionOpen) continue;
      let disabled: string | null = null;
      if (a.can === 'prompt') disabled = view.can.prompt ? null : (view.promptRefusal ?? 'It takes no prompt now.');
      else if (a.can === 'commit') disabled = view.can.commit ? null : (view.commitRefusal ?? WHY_NOT.commit);
      else if (a.can) disabled = view.can[a.can] ? null : WHY_NOT[a.can];
      if (a.id === 'session-changes' && !s.worktreePath) disabled = 'It has no worktree to review.';
      out.push({ id: a.id, group: 'Session', label: `${a.label}: ${who}`, disabled, ...(a.shortcut ? { shortcut: a.shortcut } : {}), ...(a.confirm ? { confirm: a.confirm } : {}), ...(a.keywords ? { keywords: a.keywords } : {}) });
    }
  }
  out.push({ id: 'new-session', group: 'Project', label: 'New session…', disabled: noProject, shortcut: 'N', keywords: ['worker', 'start'] });
  out.push({ id: 'add-task', group: 'Project', label: 'Add task…', disabled: noProject, keywords: ['queue'] });
  out.push({
    id: 'replace-orchestrator',
    group: 'Project',
    label: 'Replace orchestrator…',
    disabled: noProject ?? (ctx.hasOrchestrator ? null : 'The project has no orchestrator to replace: start one from the board.'),
    confirm: 'Replace the orchestrator? The current one is stopped, its work preserved, and a new one started on the same branch.',
  });
  out.push({
    id: 'project-mute',
    group: 'Project',
    label: ctx.project?.notificationsMuted ? 'Unmute this project’s notifications' : 'Mute this project’s notifications',
    disabled: noProject,
    keywords: ['notifications', 'silence', 'quiet'],
  });
  out.push(...terminalCommands({ projectId: ctx.project?.id ?? null, session: s, terminals: ctx.terminals ?? [], runCommand: ctx.runCommand }));
  const tabs: [PaletteActionId, string, string][] = [
    ['tab-board', 'Board', 'G B'],
    ['tab-tasks', 'Tasks', 'G T'],
    ['tab-worktrees', 'Worktrees', 'G W'],
    ['tab-settings', 'Project settings', 'G S'],
  ];
  for (const [id, label, shortcut] of tabs) out.push({ id, group: 'Go to', label, disabled: noProject, shortcut });
  for (const p of ctx.projects) {
    if (p.id === ctx.project?.id) continue;
    out.push({ id: `project:${p.id}`, group: 'Go to', label: `Project: ${p.name}`, disabled: null, keywords: [p.path] });
  }
  out.push({ id: 'add-project', group: 'Baton', label: 'Add project…', disabled: null, keywords: ['repository', 'open'] });
  out.push({ id: 'app-settings', group: 'Baton', label: 'App settings', disabled: null, keywords: ['preferences'] });
  return out;
}
