/** The terminals domain's contract: terminals, their procedures and output events. */
import { z } from 'zod';
import { visibleText } from '../hidden-chars';
import { domain, event, procedure } from '../contract';

const Id = z.string().min(1).max(100);
const Dim = z.number().int().min(1).max(1000);

export const OPEN_APPS = ['vscode', 'cursor', 'editor', 'files'] as const;
export type OpenApp = (typeof OPEN_APPS)[number];

/** One way to open a checkout, and whether this machine has it (with what to do when it does not). */
export const Opener = z.object({ app: z.enum(OPEN_APPS), label: z.string(), available: z.boolean(), why: z.string().nullable() });
export type Opener = z.infer<typeof Opener>;

/** What "Open in editor" uses: the app setting when one is chosen, else the first opener detected; null when none is. */
export function chosenOpener(setting: OpenApp | null | undefined, openers: readonly Pick<Opener, 'app' | 'available'>[]): OpenApp | null {
  return setting ?? openers.find((o) => o.available)?.app ?? null;
}

export const TERMINAL_STATES = ['running', 'exited', 'lost'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** One terminal as people see it: stored facts only (no host pid, no command's environment). */
export const TerminalView = z.object({
  id: z.string(),
  projectId: z.string(),
  /** Null: the project's main checkout. */
  worktreeId: z.string().nullable(),
  cwd: z.string(),
  title: z.string(),
  /** `run`: the project's run command (the dev server); `shell`: an interactive shell. */
  kind: z.enum(['shell', 'run']),
  state: z.enum(TERMINAL_STATES),
  /** The shell's exit code once it exited (null when it was ended by a signal, or never started). */
  exitCode: z.number().int().nullable(),
  /** Why it is in its state (a lost host, a shell that could not start), for people. */
  stateDetail: z.string().nullable(),
  /** Running on an SSH destination that cannot be reached now (why, for people): shown Disconnected — it runs on there and Baton follows it again when the link returns. Null otherwise. */
  unreachable: z.string().nullable(),
  cols: z.number().int(),
  rows: z.number().int(),
  /** TCP ports its processes listen on (run terminals, while they run); empty otherwise. */
  ports: z.array(z.number().int()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TerminalView = z.infer<typeof TerminalView>;

/** Output bytes [at, end) of a terminal's stream as text; `end` is where a client resumes. */
export const TerminalOutput = z.object({ terminalId: z.string(), at: z.number().int(), end: z.number().int(), data: z.string() });
export type TerminalOutput = z.infer<typeof TerminalOutput>;

export const terminalsContract = domain({
  procedures: {
    list: procedure(z.object({ projectId: Id.optional(), worktreeId: Id.optional() }).strict(), z.array(TerminalView)),
    get: procedure(z.object({ id: Id }).strict(), TerminalView),
    /**
     * Opens a shell in the project's main checkout, a worktree, or a session's worktree (`sessionId`).
     * `cwd`: a folder, relative to that checkout or absolute; the checkout itself by default.
     */
    open: procedure(
      z
        .object({
          projectId: Id.optional(),
          worktreeId: Id.optional(),
          sessionId: Id.optional(),
          cwd: z.string().trim().min(1).max(4096).optional(),
          title: visibleText(z.string().trim().min(1).max(120), 'terminal title').optional(),
          cols: Dim.default(80),
          rows: Dim.default(24),
        })
        .strict()
        .refine((v) => v.projectId !== undefined || v.sessionId !== undefined || v.worktreeId !== undefined, 'Name a project, a worktree or a session to open the terminal in.'),
      TerminalView,
    ),
    /** The project's run command (a shell command line, e.g. `npm run dev`), or null when none is set. */
    runCommand: procedure(z.object({ projectId: Id }).strict(), z.object({ command: z.string().nullable() })),
    setRunCommand: procedure(z.object({ projectId: Id, command: z.string().trim().min(1).max(4000).nullable() }).strict(), z.object({ command: z.string().nullable() })),
    /** Starts the project's run command in a terminal of its own (one per checkout; a running one is returned as is). */
    run: procedure(z.object({ projectId: Id, worktreeId: Id.optional() }).strict(), TerminalView),
    /** Keystrokes or a paste, sent to the pty as is (Ctrl+C is "\u0003"). Never logged. */
    input: procedure(z.object({ id: Id, data: z.string().min(1).max(1 << 20) }).strict(), z.object({})),
    resize: procedure(z.object({ id: Id, cols: Dim, rows: Dim }).strict(), z.object({})),
    /** Ends the shell and everything it started (SIGTERM, then SIGKILL after a grace). */
    kill: procedure(z.object({ id: Id }).strict(), TerminalView),
    /** An exited or lost terminal starts again in the same folder; its scrollback goes on below the old. */
    restart: procedure(z.object({ id: Id }).strict(), TerminalView),
    /** Removes the terminal and its scrollback. A running one is refused unless `kill` (never destroy live work unasked). */
    close: procedure(z.object({ id: Id, kill: z.boolean().optional() }).strict(), z.object({ closed: z.boolean() })),
    /** What a client shows before following `terminals.output`: the ring as it stands (up to 1 MiB). */
    scrollback: procedure(z.object({ id: Id }).strict(), z.object({ start: z.number().int(), end: z.number().int(), data: z.string() })),
    /**
     * Opens a checkout (the project's, a worktree's or a session's) in an editor or the file manager; `editor` runs
     * $EDITOR in a terminal. Without `app`: the one chosen in the app settings, else the first detected (chosenOpener).
     */
    openIn: procedure(
      z.object({ projectId: Id.optional(), worktreeId: Id.optional(), sessionId: Id.optional(), app: z.enum(OPEN_APPS).optional() }).strict(),
      z.object({ app: z.enum(OPEN_APPS), how: z.string() }),
    ),
    /** Which openers this machine has (looked up on each call: one may have just been installed). */
    openers: procedure(z.object({}).strict(), z.array(Opener)),
  },
  events: {
    changed: event(z.object({ terminalId: z.string(), projectId: z.string(), worktreeId: z.string().nullable() })),
    /**
     * Output chunks, batched per terminal, sent only to clients subscribed with the terminal's id as topic;
     * after a reconnect, resync from `scrollback` (its `end`).
     */
    output: event(TerminalOutput, { topic: (o) => o.terminalId }),
  },
});
