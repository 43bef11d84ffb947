/**
 * Baton's helper on a remote machine (ADR 0018), copied there with the session host and run over ssh:
 *
 *   node remote.js launch                       stdin: RemoteLaunch JSON     → Result<HostFile>
 *   node remote.js probe   <dataDir> <session>                               → { host, liveness }
 *   node remote.js journal <dataDir> <session> [fromSeq] [throughSeq]        → { records, diagnostics }
 *   node remote.js tail    <dataDir> <session> <afterSeq> <throughSeq>       → TailAnswer (helper-protocol.ts)
 *   node remote.js append  <dataDir> <session>  stdin: a host record's msg  → Result<JournalRecord>
 *   node remote.js agentlog <dataDir> <session> [maxBytes]                   → { lines, truncated } (the agent's stderr)
 *   node remote.js bridge  <socket>             stdio ↔ the host's socket (when streamlocal forwarding is off)
 *   node remote.js worktree                     stdin: RemoteWorktreeRequest → Result (git/worktrees.ts, run here)
 *   node remote.js terminal <launch | exit | scrollback | remove> …           (remote-terminal.ts)
 *   node remote.js review                       stdin: RemoteReviewRequest   → Result (git/review-ops.ts, run here)
 *
 * It is main's local runtime adapter (launch, liveness, journal), run where the host runs: one
 * implementation of each, never a remote copy. One JSON document on stdout per call. Journals are read from
 * their end and by bisection here, so only what main is behind on crosses the network.
 */
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../../../shared/result';
import { processLiveness, readHostFile } from '../../host/liveness';
import { AGENT_LOG_KEEP_BYTES, readAgentLogTail } from '../../host/agent-log';
import { sessionDir } from '../../host/paths';
import { isRecordObject } from '../../host/protocol';
import { appendHostRecord, readJournal, sessionJournalPath } from '../journal';
import { readJournalRange } from '../journal-lines';
import { readJournalTailAndLines } from '../journal-tail';
import { REMOTE_HELPER_PROTOCOL, REMOTE_WORKTREE_METHODS, type RemoteReviewRequest, type RemoteWorktreeRequest, type TailAnswer } from './helper-protocol';
import { launchHost } from '../launch';
import { stopOrphanHost } from '../orphan';
import { privateUmask } from '../../lib/umask';
import { parseRemoteLaunch } from './remote-launch';
import { createWorktreeManager } from '../../git/worktrees';
import { terminalVerb } from './remote-terminal';
import { REVIEW_GIT_OPS, reviewGitOps } from '../../git/review-ops';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v)}\n`);

async function main(argv: string[]): Promise<number> {
  // Journals and host files hold the agent's words: private to this user, as on the desk (ADR 0011); the agent keeps the user's umask.
  privateUmask();
  const [verb, a, b, c, d] = argv;
  switch (verb) {
    case 'launch': {
      const o = parseRemoteLaunch(JSON.parse(await readStdin()) as unknown);
      if (typeof o === 'string') {
        print(fail('invalid_launch', o));
        return 0;
      }
      // A PATH or HOME from the desk means nothing here: the agent gets this machine's own.
      const env = { ...o.env };
      for (const k of ['PATH', 'HOME'] as const) if (process.env[k] !== undefined && !o.keepEnv?.includes(k)) env[k] = process.env[k] as string;
      await stopOrphanHost(o.dataDir, o.sessionId);
      // The bundle sent over SSH carries the Node host only (ADR 0034): the remote machine's own environment does not choose.
      print(await launchHost({ ...o, env, runtime: 'node', hostScript: join(dirname(fileURLToPath(import.meta.url)), 'host.js') }));
      return 0;
    }
    case 'probe': {
      if (!a || !b) return usage();
      const host = readHostFile(sessionDir(a, b));
      print({ host, liveness: host ? processLiveness(host) : { alive: false, reason: 'no host.json' } });
      return 0;
    }
    case 'journal': {
      if (!a || !b) return usage();
      const from = Number(c ?? 0) || 0;
      // Bounded (catch-up): found by bisection, only the range read. Unbounded: the whole scan, with its diagnostics.
      if (d !== undefined) {
        print({ records: readJournalRange(sessionJournalPath(a, b), from, Number(d)), diagnostics: [] });
        return 0;
      }
      const r = readJournal(sessionJournalPath(a, b), from);
      print({ records: r.records, diagnostics: r.diagnostics.map((x) => x.message) });
      return 0;
    }
    case 'tail': {
      if (!a || !b || c === undefined || d === undefined) return usage();
      const path = sessionJournalPath(a, b);
      const read = readJournalTailAndLines(path, { afterSeq: Number(c) || 0, throughSeq: Number(d) || 0 });
      let journalBytes = 0;
      try {
        journalBytes = statSync(path).size;
      } catch {
        // No journal yet: an empty tail, zero bytes.
      }
      const answer: TailAnswer = { v: REMOTE_HELPER_PROTOCOL, ...read, journalBytes };
      print(answer);
      return 0;
    }
    case 'agentlog': {
      if (!a || !b) return usage();
      print(readAgentLogTail(sessionDir(a, b), Number(c) || AGENT_LOG_KEEP_BYTES));
      return 0;
    }
    case 'append': {
      if (!a || !b) return usage();
      const msg = JSON.parse(await readStdin()) as unknown;
      print(isRecordObject(msg) ? appendHostRecord(a, b, msg) : fail('bad_record', 'A host record must be a JSON object.'));
      return 0;
    }
    case 'worktree': {
      const req = JSON.parse(await readStdin()) as RemoteWorktreeRequest;
      const m = await createWorktreeManager({ repoPath: req.repoPath, worktreeRoot: req.worktreeRoot });
      if (!m.ok || req.method === 'open') {
        print(m.ok ? { ok: true, value: { repoPath: m.value.repoPath, worktreeRoot: m.value.worktreeRoot } } : m);
        return 0;
      }
      const method = REMOTE_WORKTREE_METHODS.find((x) => x === req.method);
      if (!method || !Array.isArray(req.args)) {
        print(fail('bad_request', `Unknown worktree method ${JSON.stringify(req.method)}.`));
        return 0;
      }
      const fn = m.value[method] as (...a: unknown[]) => Promise<unknown>;
      print(await fn(...req.args));
      return 0;
    }
    case 'terminal': {
      const answer = await terminalVerb(dirname(fileURLToPath(import.meta.url)), argv.slice(1), readStdin);
      if (answer === null) return usage();
      print(answer);
      return 0;
    }
    case 'review': {
      const req = JSON.parse(await readStdin()) as RemoteReviewRequest;
      const op = REVIEW_GIT_OPS.find((x) => x === req.op);
      if (!op || !Array.isArray(req.args)) {
        print(fail('bad_request', `Unknown review operation ${JSON.stringify(req.op)}; main and this helper may be of different builds (Baton installs its own again on a restart).`));
        return 0;
      }
      // Main built these arguments for this operation's own parameters (remote-review.ts).
      const fn = reviewGitOps[op] as (...a: unknown[]) => Promise<unknown>;
      print(await fn(...req.args));
      return 0;
    }
    case 'bridge': {
      if (!a) return usage();
      const sock = connect(a);
      sock.on('error', (e: NodeJS.ErrnoException) => {
        process.stderr.write(`baton bridge: ${a}: ${e.code ?? e.message}\n`);
        process.exit(3);
      });
      process.stdin.pipe(sock);
      sock.pipe(process.stdout);
      sock.on('close', () => process.exit(0));
      return new Promise<number>(() => undefined);
    }
    default:
      return usage();
  }
}

function usage(): number {
  process.stderr.write('usage: remote.js launch | probe <dataDir> <session> | journal <dataDir> <session> [fromSeq] [throughSeq] | tail <dataDir> <session> <afterSeq> <throughSeq> | append <dataDir> <session> | agentlog <dataDir> <session> [maxBytes] | bridge <socket> | worktree | terminal <launch | exit | scrollback | remove> <dataDir> <id> | review\n');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`baton remote: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 70;
  },
);
