/** The `baton --help` text: every verb, its flags and what it does, in one place. */
export const USAGE = `Usage: baton [--json] [--data-dir DIR] <command>

Commands:
  status                              the app, and per project its sessions, orchestrator and open tasks
  agents                              the agents installed on this machine (with versions) and how to install the others
  task add <project> <title> [--body TEXT] [--priority low|normal|high|urgent]
                                      queue a task for the project's orchestrator
  task list [<project>] [--status open|done|canceled]
  task start <task>                   start a worker for the task's queued run now, without waiting for the orchestrator
  session list [<project>] [--archived]
                                      the board's sessions; --archived: the archived ones, with their preserved work
  orchestrator replace <project>      replace the project's orchestrator, showing each phase
  orchestrator retry <project>        resume a failed replacement from the phase it failed in
  project add <path|ssh://host/path>  add a git repository as a project (here, or on an SSH destination)
  session new <project> --prompt TEXT [--title TEXT] [--branch NAME] [--base BRANCH] [--agent claude-code|codex|gemini|custom]
                                      start a worker session in its own worktree (branch: from the title
                                      unless named; base: the project's base branch unless given)
  session restart <session>           start a stopped session's agent again and resume its conversation
  session show <session>              its state, the requests waiting on you, and its last messages
  session log <session>               what its agent wrote on stderr (the newest 256 KiB), kept by its host
  inbox [<project>]                   what needs you across every project (permissions, failures, changes to review)
  answer <session> <option> [--request KEY]
                                      answer its waiting permission request: an option's id, or allow,
                                      allow-always, reject, reject-always (the oldest request unless --request)
  policy <project|session> ask|edits|all|inherit
                                      what Baton approves by itself: nothing, file edits, or everything;
                                      inherit: a session follows its project's
  notifications                       whether a sound plays with notifications, and which projects are muted
  notifications mute|unmute <project> a muted project raises no notification (its sessions still count in the inbox)
  notifications sound on|off          play a short sound with each notification
  diff <session> [--stat] [--uncommitted|--since-turn]
                                      the session's changes against its base (committed and not)
  diff --worktree <worktree> [--stat] [--uncommitted]
                                      a worktree no session holds (its id, the start of it, its name or branch)
  commit <session> -m MESSAGE [<file>...]
                                      commit all (or the given) changes; the repository's hooks run
  merge <session> [--squash|--rebase] merge the session's branch into its base
  resolve <session>                   ask the agent to resolve a merge's conflicts (rebase onto the base)
  pr <session> [--title TEXT]         push the branch, open a pull request (gh) or print the compare URL
  comment add <session> <file>:<line>[-<end>] -m TEXT [--old]
                                      a review comment on those lines (--old: numbered as before the change),
                                      kept until sent
  comment list <session>              the session's review comments not sent yet (drafts and queued)
  comment remove <session> <id>       drop a draft comment
  comment send <session>              every draft as one prompt with file:line: now when the agent is idle,
                                      else queued until its turn ends
  archive <session> [--delete-branch [--force]]
                                      stop the session, keep its uncommitted work, release its worktree and
                                      take it off the board; --delete-branch deletes its branch when merged
                                      (--force: even when not)
  terminal open <project|session> [--cwd DIR]
                                      a shell in the project's main checkout or the session's worktree; it keeps
                                      running when Baton quits or crashes
  terminal list [<project>]           terminals, their state (running, exited (code), lost) and listening ports
  terminal send <terminal> <text> [--raw]
                                      type the text and Enter (--raw: exactly the text, e.g. $'\x03' for Ctrl+C)
  terminal kill <terminal>            end the terminal's shell and everything it started
  terminal run <project>              the project's run command (set in Project settings) in a terminal of its own
  open <session|worktree|project> [--editor vscode|cursor|editor|files]
                                      open the checkout in the editor chosen in the app settings (default: the
                                      first installed); editor: $EDITOR in a Baton terminal

<project> is a project's id, name or prefix, or the start of one when only one project matches.
<session> is a session's id (or the start of it) or its branch. <terminal> is a terminal's id or the start of it.

Options:
  --json          print the contract's values as JSON instead of tables
  --data-dir DIR  Baton's data directory (default: $BATON_HOME, else a running Baton's, else ~/.baton or the desktop app's)
  -h, --help      show this help

baton talks to the running app through its control socket (<data-dir>/control.sock).
When Baton is not running, it opens the data directory itself for the one command;
agents keep running either way.`;
