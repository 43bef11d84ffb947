/** The palette's terminal commands: a new shell in the session's worktree or the project, the run command, and every terminal to switch to. */
import type { TerminalView } from '../../../../shared/contracts/terminals';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import type { PaletteCommand } from './commands';

export interface TerminalCommandContext {
  /** The project the palette acts in; null when none is open. */
  projectId: string | null;
  /** The session whose worktree "this worktree" is (the open or selected one). */
  session: SessionSummary | null;
  /** The project's terminals, as the store knows them. */
  terminals: readonly TerminalView[];
  /** The project's run command; null when none is set, undefined while it is being read. */
  runCommand: string | null | undefined;
}

const where = (t: TerminalView): string => (t.worktreeId === null ? 'main checkout' : (t.cwd.split('/').pop() ?? t.cwd));

export function terminalCommands(ctx: TerminalCommandContext): PaletteCommand[] {
  const out: PaletteCommand[] = [];
  const noProject = ctx.projectId ? null : 'Add or open a project first.';
  const s = ctx.session;
  if (s) {
    out.push({
      id: 'terminal-new-worktree',
      group: 'Terminal',
      label: `New terminal in this worktree: “${s.title}”`,
      disabled: s.worktreePath ? null : 'The session has no worktree.',
      keywords: ['shell', 'console'],
    });
  }
  out.push({ id: 'terminal-new-project', group: 'Terminal', label: 'New terminal in the project', disabled: noProject, keywords: ['shell', 'console', 'main checkout'] });
  const run = ctx.runCommand;
  out.push({
    id: 'terminal-run',
    group: 'Terminal',
    label: run ? `Run the project's run command: ${run}` : "Run the project's run command",
    disabled: noProject ?? (run === undefined ? 'Reading the run command…' : run === null ? 'The project has no run command: set one in Project settings (e.g. npm run dev).' : null),
    keywords: ['dev server', 'start', 'serve'],
  });
  for (const t of ctx.terminals) {
    out.push({ id: `terminal:${t.id}`, group: 'Terminal', label: `Switch to terminal: ${t.title} (${where(t)}, ${t.state})`, disabled: null, keywords: ['terminal', t.cwd] });
  }
  return out;
}
