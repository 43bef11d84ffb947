import { resolveClientDataDir } from '../main/app/paths';
import type { Result } from '../shared/result';
import { agentsList } from './agents';
import { sessionLog } from './agent-log';
import { answer, inboxList, policy, sessionShow } from './attention';
import { typedCall } from './api';
import { parseInvocation, type Command } from './args';
import { USAGE } from './usage';
import { openBackend } from './backend';
import { sessionList, status, taskAdd, taskList, type CommandContext } from './commands';
import { orchestratorReplace, orchestratorRetry } from './orchestrator';
import { archive, commit, diff, merge, pr, projectAdd, resolveConflicts, sessionNew } from './review';
import { openInEditor, terminalKill, terminalList, terminalOpen, terminalRun, terminalSend } from './terminals';
import { commentAdd, commentList, commentRemove, commentSend } from './comments';
import { sessionRestart, taskStart } from './starts';
import { notifications } from './notifications';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

/** Exit codes: 0 done, 1 the command failed, 2 it was not understood. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const inv = parseInvocation(argv);
  if (!inv.ok) {
    io.stderr(`baton: ${inv.error.message}\nRun \`baton --help\` for usage.\n`);
    return 2;
  }
  const { command, json } = inv.value;
  if (command.kind === 'help') {
    io.stdout(USAGE + '\n');
    return 0;
  }
  const dataDir = resolveClientDataDir(inv.value.dataDir);
  const backend = await openBackend(dataDir, (line) => io.stderr(line + '\n'));
  if (!backend.ok) {
    io.stderr(`baton: ${backend.error.message}\n`);
    return 1;
  }
  const ctx: CommandContext = {
    call: typedCall(backend.value),
    backend: backend.value,
    json,
    out: (line) => io.stdout(line + '\n'),
    err: (line) => io.stderr(line + '\n'),
  };
  // Ctrl+C mid-command: a headless brain still closes cleanly (a running saga stops after its committed phase).
  let onSigint: () => void = () => undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => (onSigint = () => resolve('interrupted')));
  process.once('SIGINT', onSigint);
  try {
    const result = await Promise.race([dispatch(ctx, command), interrupted]);
    if (result === 'interrupted') {
      io.stderr('baton: interrupted' + (backend.value.kind === 'headless' ? '; closing (work under way resumes when Baton starts)' : '') + '\n');
      return 130;
    }
    if (!result.ok) {
      io.stderr(`baton: ${result.error.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await backend.value.close();
  }
}

function dispatch(ctx: CommandContext, c: Exclude<Command, { kind: 'help' }>): Promise<Result<void>> {
  switch (c.kind) {
    case 'status':
      return status(ctx);
    case 'agents':
      return agentsList(ctx);
    case 'task_add':
      return taskAdd(ctx, c);
    case 'task_list':
      return taskList(ctx, c);
    case 'session_list':
      return sessionList(ctx, c);
    case 'orchestrator_replace':
      return orchestratorReplace(ctx, c.project);
    case 'orchestrator_retry':
      return orchestratorRetry(ctx, c.project);
    case 'diff':
      return diff(ctx, c);
    case 'commit':
      return commit(ctx, c);
    case 'merge':
      return merge(ctx, c);
    case 'resolve':
      return resolveConflicts(ctx, c);
    case 'pr':
      return pr(ctx, c);
    case 'archive':
      return archive(ctx, c);
    case 'project_add':
      return projectAdd(ctx, c);
    case 'session_new':
      return sessionNew(ctx, c);
    case 'terminal_open':
      return terminalOpen(ctx, c);
    case 'terminal_list':
      return terminalList(ctx, c);
    case 'terminal_send':
      return terminalSend(ctx, c);
    case 'terminal_kill':
      return terminalKill(ctx, c);
    case 'terminal_run':
      return terminalRun(ctx, c);
    case 'open':
      return openInEditor(ctx, c);
    case 'comment_add':
      return commentAdd(ctx, c);
    case 'comment_list':
      return commentList(ctx, c);
    case 'comment_remove':
      return commentRemove(ctx, c);
    case 'comment_send':
      return commentSend(ctx, c);
    case 'session_restart':
      return sessionRestart(ctx, c);
    case 'task_start':
      return taskStart(ctx, c);
    case 'inbox':
      return inboxList(ctx, c);
    case 'answer':
      return answer(ctx, c);
    case 'session_show':
      return sessionShow(ctx, c);
    case 'session_log':
      return sessionLog(ctx, c);
    case 'policy':
      return policy(ctx, c);
    case 'notifications_show':
    case 'notifications_mute':
    case 'notifications_sound':
      return notifications(ctx, c);
  }
}
