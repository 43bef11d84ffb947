/** The CLI's argument parsing: argv into one typed command, or a usage error. */
import { parseArgs } from 'node:util';
import { APPROVAL_POLICIES, type ApprovalPolicy } from '../shared/approval';
import type { DiffScope } from '../shared/contracts/review';
import { OPEN_APPS, type OpenApp } from '../shared/contracts/terminals';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../shared/contracts/tasks';
import { HARNESS_IDS, type HarnessId } from '../shared/harness';
import type { Result } from '../shared/result';
import { parseNotifications, type NotificationsCommand } from './notifications';

export type Command =
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'agents' }
  | { kind: 'task_add'; project: string; title: string; body?: string; priority?: TaskPriority }
  | { kind: 'task_list'; project?: string; status?: TaskStatus }
  | { kind: 'session_list'; project?: string; archived?: boolean }
  | { kind: 'orchestrator_replace'; project: string }
  | { kind: 'orchestrator_retry'; project: string }
  | { kind: 'diff'; session: string; stat: boolean; scope: DiffScope; worktree?: string }
  | { kind: 'commit'; session: string; message: string; paths: string[] }
  | { kind: 'merge'; session: string; mode: 'merge' | 'squash' | 'rebase' }
  | { kind: 'resolve'; session: string }
  | { kind: 'pr'; session: string; title?: string }
  | { kind: 'archive'; session: string; deleteBranch: boolean; force: boolean }
  | { kind: 'project_add'; path: string }
  | { kind: 'session_new'; project: string; prompt: string; agent?: HarnessId; base?: string; title?: string; branch?: string }
  | { kind: 'session_restart'; session: string }
  | { kind: 'task_start'; task: string }
  | { kind: 'terminal_open'; target: string; cwd?: string }
  | { kind: 'terminal_list'; project?: string }
  | { kind: 'terminal_send'; id: string; text: string; raw: boolean }
  | { kind: 'terminal_kill'; id: string }
  | { kind: 'terminal_run'; project: string }
  | { kind: 'open'; target: string; editor?: OpenApp }
  | { kind: 'comment_add'; session: string; at: string; message: string; old: boolean }
  | { kind: 'comment_list'; session: string }
  | { kind: 'comment_remove'; session: string; id: string }
  | { kind: 'comment_send'; session: string }
  | { kind: 'inbox'; project?: string }
  | { kind: 'answer'; session: string; option: string; request?: string }
  | { kind: 'session_show'; session: string }
  | { kind: 'session_log'; session: string }
  | { kind: 'policy'; target: string; policy: ApprovalPolicy | 'inherit' }
  | NotificationsCommand;

export interface Invocation {
  command: Command;
  json: boolean;
  dataDir?: string;
}

const usage = (message: string): { ok: false; error: { code: 'usage'; message: string } } => ({ ok: false, error: { code: 'usage', message } });

const oneOf = <T extends string>(values: readonly T[], v: string): v is T => (values as readonly string[]).includes(v);

/** Flags may come anywhere (`baton status --json`); which ones a command accepts is checked after. */
export function parseInvocation(argv: readonly string[]): Result<Invocation> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        body: { type: 'string' },
        priority: { type: 'string' },
        status: { type: 'string' },
        stat: { type: 'boolean' },
        uncommitted: { type: 'boolean' },
        'since-turn': { type: 'boolean' },
        message: { type: 'string', short: 'm' },
        squash: { type: 'boolean' },
        rebase: { type: 'boolean' },
        title: { type: 'string' },
        prompt: { type: 'string' },
        agent: { type: 'string' },
        base: { type: 'string' },
        branch: { type: 'string' },
        'delete-branch': { type: 'boolean' },
        force: { type: 'boolean' },
        archived: { type: 'boolean' },
        cwd: { type: 'string' },
        raw: { type: 'boolean' },
        old: { type: 'boolean' },
        worktree: { type: 'string' },
        request: { type: 'string' },
        editor: { type: 'string' },
      },
    });
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  const base = { json: values.json === true, ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}) };
  if (values['data-dir'] === '') return usage('--data-dir needs a directory.');
  if (values.help || positionals.length === 0) return { ok: true, value: { ...base, command: { kind: 'help' } } };

  const command = commandOf(positionals);
  if (!command.ok) return command;
  const c = command.value;
  if ((values.body !== undefined || values.priority !== undefined) && c.kind !== 'task_add') return usage('--body and --priority belong to `task add`.');
  if (values.status !== undefined && c.kind !== 'task_list') return usage('--status belongs to `task list`.');
  if (values.editor !== undefined) {
    if (c.kind !== 'open') return usage('--editor belongs to `open`.');
    if (!oneOf(OPEN_APPS, values.editor)) return usage(`--editor must be one of ${OPEN_APPS.join(', ')}; got "${values.editor}".`);
    c.editor = values.editor;
  }
  if (values.request !== undefined) {
    if (c.kind !== 'answer') return usage('--request belongs to `answer`.');
    c.request = values.request;
  }
  if (c.kind === 'task_add') {
    if (values.priority !== undefined) {
      if (!oneOf(TASK_PRIORITIES, values.priority)) return usage(`--priority must be one of ${TASK_PRIORITIES.join(', ')}; got "${values.priority}".`);
      c.priority = values.priority;
    }
    if (values.body !== undefined) c.body = values.body;
  }
  const review = reviewOptions(c, values);
  if (review) return usage(review);
  if (c.kind === 'task_list' && values.status !== undefined) {
    if (!oneOf(TASK_STATUSES, values.status)) return usage(`--status must be one of ${TASK_STATUSES.join(', ')}; got "${values.status}".`);
    c.status = values.status;
  }
  return { ok: true, value: { ...base, command: c } };
}

interface ReviewFlags {
  stat?: boolean;
  uncommitted?: boolean;
  'since-turn'?: boolean;
  message?: string;
  squash?: boolean;
  rebase?: boolean;
  title?: string;
  prompt?: string;
  agent?: string;
  base?: string;
  branch?: string;
  'delete-branch'?: boolean;
  force?: boolean;
  archived?: boolean;
  cwd?: string;
  raw?: boolean;
  old?: boolean;
  worktree?: string;
}

/** Checks the review verbs' flags and fills them into the command; returns a usage message when one is misplaced. */
function reviewOptions(c: Command, v: ReviewFlags): string | null {
  const belongs: [keyof ReviewFlags, Command['kind']][] = [
    ['stat', 'diff'], ['uncommitted', 'diff'], ['since-turn', 'diff'], ['message', 'commit'], ['squash', 'merge'], ['rebase', 'merge'],
    ['prompt', 'session_new'], ['agent', 'session_new'], ['base', 'session_new'], ['branch', 'session_new'], ['delete-branch', 'archive'], ['force', 'archive'], ['archived', 'session_list'],
    ['cwd', 'terminal_open'], ['raw', 'terminal_send'],
  ];
  // -m is also a comment's text; --old only a comment's.
  if (c.kind === 'comment_add') {
    if (!v.message?.trim()) return 'Usage: baton comment add <session> <file>:<line>[-<end>] -m TEXT [--old]';
    c.message = v.message;
    c.old = v.old === true;
    return null;
  }
  if (v.old !== undefined) return '--old belongs to `comment add`.';
  for (const [flag, kind] of belongs) if (v[flag] !== undefined && c.kind !== kind) return `--${flag} belongs to \`${kind.replace('_', ' ')}\`.`;
  if (v.worktree !== undefined && c.kind !== 'diff') return '--worktree belongs to `diff`.';
  if (v.title !== undefined && c.kind !== 'pr' && c.kind !== 'session_new') return '--title belongs to `pr` and `session new`.';
  if (c.kind === 'diff') {
    if (v.uncommitted && v['since-turn']) return 'Choose one of --uncommitted and --since-turn.';
    if (v.worktree !== undefined) {
      if (c.session) return 'Name a session or --worktree, not both.';
      if (!v.worktree.trim()) return '--worktree needs a worktree: its id (or the start of it), name or branch.';
      if (v['since-turn']) return '--since-turn is for sessions: no agent ends turns in a worktree without one.';
      c.worktree = v.worktree;
    } else if (!c.session) return 'Usage: baton diff <session> [--stat] [--uncommitted|--since-turn], or baton diff --worktree <worktree>';
    c.stat = v.stat === true;
    c.scope = v.uncommitted ? 'uncommitted' : v['since-turn'] ? 'since_turn' : 'all';
  }
  if (c.kind === 'commit') {
    if (!v.message?.trim()) return 'Usage: baton commit <session> -m MESSAGE [<file>...]';
    c.message = v.message;
  }
  if (c.kind === 'merge') {
    if (v.squash && v.rebase) return 'Choose one of --squash and --rebase.';
    c.mode = v.squash ? 'squash' : v.rebase ? 'rebase' : 'merge';
  }
  if (c.kind === 'pr' && v.title !== undefined) c.title = v.title;
  if (c.kind === 'session_list' && v.archived) c.archived = true;
  if (c.kind === 'archive') {
    if (v.force && !v['delete-branch']) return '--force only goes with --delete-branch (it deletes an unmerged branch).';
    c.deleteBranch = v['delete-branch'] === true;
    c.force = v.force === true;
  }
  if (c.kind === 'terminal_open' && v.cwd !== undefined) c.cwd = v.cwd;
  if (c.kind === 'terminal_send') c.raw = v.raw === true;
  if (c.kind === 'session_new') {
    if (!v.prompt?.trim()) return 'Usage: baton session new <project> --prompt TEXT [--agent ...] [--base BRANCH]';
    c.prompt = v.prompt;
    if (v.agent !== undefined) {
      if (!oneOf(HARNESS_IDS, v.agent)) return `--agent must be one of ${HARNESS_IDS.join(', ')}; got "${v.agent}".`;
      c.agent = v.agent;
    }
    if (v.base !== undefined) c.base = v.base;
    if (v.title !== undefined) c.title = v.title;
    if (v.branch !== undefined) c.branch = v.branch;
  }
  return null;
}

/** `<verb> <session>` with exactly one session. */
function sessionVerb(verb: 'diff' | 'merge' | 'resolve' | 'pr' | 'archive', words: readonly string[]): Result<Command> {
  const [session, ...extra] = words;
  if (session === undefined) return usage(`Usage: baton ${verb} <session>; see \`baton --help\`.`);
  if (extra.length) return usage(`Too many arguments for \`${verb}\`: ${extra.join(' ')}`);
  switch (verb) {
    case 'diff':
      return { ok: true, value: { kind: 'diff', session, stat: false, scope: 'all' } };
    case 'merge':
      return { ok: true, value: { kind: 'merge', session, mode: 'merge' } };
    case 'resolve':
      return { ok: true, value: { kind: 'resolve', session } };
    case 'pr':
      return { ok: true, value: { kind: 'pr', session } };
    case 'archive':
      return { ok: true, value: { kind: 'archive', session, deleteBranch: false, force: false } };
  }
}

function terminalCommand(sub: string | undefined, rest: readonly string[]): Result<Command> {
  const [a, b, ...extra] = rest;
  switch (sub) {
    case 'open':
      if (a === undefined || b !== undefined) return usage('Usage: baton terminal open <project|session> [--cwd DIR]');
      return { ok: true, value: { kind: 'terminal_open', target: a } };
    case 'list':
      if (b !== undefined) return usage('Usage: baton terminal list [<project>]');
      return { ok: true, value: { kind: 'terminal_list', ...(a !== undefined ? { project: a } : {}) } };
    case 'send':
      if (a === undefined || b === undefined || extra.length) return usage('Usage: baton terminal send <terminal> <text> [--raw] (quote the text)');
      return { ok: true, value: { kind: 'terminal_send', id: a, text: b, raw: false } };
    case 'kill':
      if (a === undefined || b !== undefined) return usage('Usage: baton terminal kill <terminal>');
      return { ok: true, value: { kind: 'terminal_kill', id: a } };
    case 'run':
      if (a === undefined || b !== undefined) return usage('Usage: baton terminal run <project>');
      return { ok: true, value: { kind: 'terminal_run', project: a } };
    default:
      return usage(sub === undefined ? '`terminal` needs a subcommand: open, run, list, send or kill.' : `Unknown terminal subcommand "${sub}"; use open, run, list, send or kill.`);
  }
}

function commandOf(words: readonly string[]): Result<Command> {
  const [first, second, ...rest] = words;
  const atMost = (n: number, what: string): string | null => (rest.length > n ? `Too many arguments for \`${what}\`: ${rest.slice(n).join(' ')}` : null);
  switch (first) {
    case 'status':
      return second === undefined ? { ok: true, value: { kind: 'status' } } : usage(`\`status\` takes no arguments; got "${second}".`);
    case 'agents':
      return second === undefined ? { ok: true, value: { kind: 'agents' } } : usage(`\`agents\` takes no arguments; got "${second}".`);
    case 'task': {
      if (second === 'add') {
        const [project, title] = rest;
        if (project === undefined || title === undefined) return usage('Usage: baton task add <project> <title> [--body TEXT] [--priority low|normal|high|urgent]');
        const extra = atMost(2, 'task add');
        return extra ? usage(`${extra} (quote the title)`) : { ok: true, value: { kind: 'task_add', project, title } };
      }
      if (second === 'start') {
        const [task] = rest;
        if (task === undefined) return usage('Usage: baton task start <task>');
        const extra = atMost(1, 'task start');
        return extra ? usage(extra) : { ok: true, value: { kind: 'task_start', task } };
      }
      if (second === 'list') {
        const extra = atMost(1, 'task list');
        return extra ? usage(extra) : { ok: true, value: { kind: 'task_list', ...(rest[0] !== undefined ? { project: rest[0] } : {}) } };
      }
      return usage(second === undefined ? '`task` needs a subcommand: add, list or start.' : `Unknown task subcommand "${second}"; use add, list or start.`);
    }
    case 'diff':
      // `diff --worktree <id>` names no session; the flags decide (reviewOptions).
      return second === undefined ? { ok: true, value: { kind: 'diff', session: '', stat: false, scope: 'all' } } : sessionVerb(first, words.slice(1));
    case 'merge':
    case 'resolve':
    case 'pr':
    case 'archive':
      return sessionVerb(first, words.slice(1));
    case 'commit': {
      if (second === undefined) return usage('Usage: baton commit <session> -m MESSAGE [<file>...]');
      return { ok: true, value: { kind: 'commit', session: second, message: '', paths: [...rest] } };
    }
    case 'inbox': {
      const extra = words.slice(2);
      if (extra.length) return usage(`Too many arguments for \`inbox\`: ${extra.join(' ')}`);
      return { ok: true, value: { kind: 'inbox', ...(second !== undefined ? { project: second } : {}) } };
    }
    case 'answer': {
      const [option, ...extra] = rest;
      if (second === undefined || option === undefined) return usage('Usage: baton answer <session> <option>; the option is its id or allow, allow-always, reject, reject-always.');
      return extra.length ? usage(`Too many arguments for \`answer\`: ${extra.join(' ')}`) : { ok: true, value: { kind: 'answer', session: second, option } };
    }
    case 'policy': {
      const [p, ...extra] = rest;
      const choices = [...APPROVAL_POLICIES, 'inherit'] as const;
      if (second === undefined || p === undefined) return usage(`Usage: baton policy <project|session> ${choices.join('|')}`);
      if (!oneOf(choices, p)) return usage(`The policy must be one of ${choices.join(', ')}; got "${p}".`);
      return extra.length ? usage(`Too many arguments for \`policy\`: ${extra.join(' ')}`) : { ok: true, value: { kind: 'policy', target: second, policy: p } };
    }
    case 'notifications':
      return parseNotifications(words.slice(1));
    case 'project':
    case 'projects': {
      if (second !== 'add') return usage(second === undefined ? '`project` needs a subcommand: add.' : `Unknown project subcommand "${second}"; use add.`);
      const [path, ...extra] = rest;
      if (path === undefined) return usage('Usage: baton project add <path>');
      return extra.length ? usage(`Too many arguments for \`project add\`: ${extra.join(' ')}`) : { ok: true, value: { kind: 'project_add', path } };
    }
    case 'session':
    case 'sessions': {
      if (second === 'new') {
        const [project, ...extra] = rest;
        if (project === undefined) return usage('Usage: baton session new <project> --prompt TEXT [--agent ...] [--base BRANCH]');
        return extra.length ? usage(`Too many arguments for \`session new\`: ${extra.join(' ')} (quote the prompt)`) : { ok: true, value: { kind: 'session_new', project, prompt: '' } };
      }
      if (second === 'restart') {
        const [session, ...extra] = rest;
        if (session === undefined) return usage('Usage: baton session restart <session>');
        return extra.length ? usage(`Too many arguments for \`session restart\`: ${extra.join(' ')}`) : { ok: true, value: { kind: 'session_restart', session } };
      }
      if (second === 'log') {
        const [session, ...extra] = rest;
        if (session === undefined) return usage('Usage: baton session log <session>');
        return extra.length ? usage(`Too many arguments for \`session log\`: ${extra.join(' ')}`) : { ok: true, value: { kind: 'session_log', session } };
      }
      if (second === 'show') {
        const [session, ...extra] = rest;
        if (session === undefined) return usage('Usage: baton session show <session>');
        return extra.length ? usage(`Too many arguments for \`session show\`: ${extra.join(' ')}`) : { ok: true, value: { kind: 'session_show', session } };
      }
      if (second !== 'list') return usage(second === undefined ? '`session` needs a subcommand: list, new, show, log or restart.' : `Unknown session subcommand "${second}"; use list, new, show, log or restart.`);
      const extra = atMost(1, 'session list');
      return extra ? usage(extra) : { ok: true, value: { kind: 'session_list', ...(rest[0] !== undefined ? { project: rest[0] } : {}) } };
    }
    case 'open':
      if (second === undefined || rest.length) return usage('Usage: baton open <session|worktree|project> [--editor vscode|cursor|editor|files]');
      return { ok: true, value: { kind: 'open', target: second } };
    case 'terminal':
    case 'terminals':
      return terminalCommand(second, rest);
    case 'comment':
    case 'comments':
      return commentCommand(second, rest);
    case 'orchestrator': {
      if (second !== 'replace' && second !== 'retry') {
        return usage(second === undefined ? '`orchestrator` needs a subcommand: replace or retry.' : `Unknown orchestrator subcommand "${second}"; use replace or retry.`);
      }
      const [project] = rest;
      if (project === undefined) return usage(`Usage: baton orchestrator ${second} <project>`);
      const extra = atMost(1, `orchestrator ${second}`);
      if (extra) return usage(extra);
      return { ok: true, value: { kind: second === 'replace' ? 'orchestrator_replace' : 'orchestrator_retry', project } };
    }
    default:
      return usage(`Unknown command "${first ?? ''}".`);
  }
}

/** `comment add|list|remove|send <session> …`. */
function commentCommand(sub: string | undefined, words: readonly string[]): Result<Command> {
  const [session, arg, ...extra] = words;
  const need = (n: number, u: string): Result<Command> | null => (session === undefined || (n > 1 && arg === undefined) ? usage(`Usage: baton comment ${u}`) : null);
  const tooMany = (got: readonly unknown[]) => (got.length ? usage(`Too many arguments for \`comment ${sub ?? ''}\`: ${got.join(' ')}`) : null);
  switch (sub) {
    case 'add':
      return need(2, 'add <session> <file>:<line>[-<end>] -m TEXT [--old]') ?? tooMany(extra) ?? { ok: true, value: { kind: 'comment_add', session: session!, at: arg!, message: '', old: false } };
    case 'list':
      return need(1, 'list <session>') ?? tooMany(arg === undefined ? [] : [arg, ...extra]) ?? { ok: true, value: { kind: 'comment_list', session: session! } };
    case 'remove':
      return need(2, 'remove <session> <id>') ?? tooMany(extra) ?? { ok: true, value: { kind: 'comment_remove', session: session!, id: arg! } };
    case 'send':
      return need(1, 'send <session>') ?? tooMany(arg === undefined ? [] : [arg, ...extra]) ?? { ok: true, value: { kind: 'comment_send', session: session! } };
    default:
      return usage(sub === undefined ? '`comment` needs a subcommand: add, list, remove or send.' : `Unknown comment subcommand "${sub}"; use add, list, remove or send.`);
  }
}
