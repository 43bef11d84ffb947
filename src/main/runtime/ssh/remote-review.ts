/**
 * Review's git for a repository on an SSH destination: each operation runs Baton's own review git code there
 * (`remote.js review`), with the same argument arrays as on this machine, never a shell of ours (ADR 0018).
 */
import { fail } from '../../../shared/result';
import type { ReviewGit, ReviewGitOp } from '../../git/review-ops';
import { AnyResultSchema, checkAnswer, parseAnswer } from './answers';
import type { RemoteInstall } from './bootstrap';
import type { RemoteReviewRequest } from './helper-protocol';
import { installGone, type HelperCall } from './host-port';
import { shq, type SshLink } from './link';

/** Long enough for a merge, a rebase or a push of a big tree (git's own LONG timeout runs there). */
const REVIEW_CALL_MS = 11 * 60_000;

type Answer<K extends ReviewGitOp> = Awaited<ReturnType<ReviewGit[K]>>;

export function remoteReviewGit(link: SshLink, install: RemoteInstall, opts: { onInstallGone?: () => void; onHelperCall?: (call: HelperCall) => void } = {}): ReviewGit {
  const dest = link.target.destination;
  const command = [install.node, `${install.bundleDir}/remote.js`, 'review'].map(shq).join(' ');

  async function call<K extends ReviewGitOp>(op: K, args: Parameters<ReviewGit[K]>): Promise<Answer<K>> {
    const req: RemoteReviewRequest = { op, args };
    const r = await link.exec(command, JSON.stringify(req), REVIEW_CALL_MS);
    if (r.ok) opts.onHelperCall?.({ destination: dest, verb: `review ${op}`, bytes: r.value.stdout.length, records: 0 });
    // Every operation answers a Result: one that could not be run here answers the same shape.
    const failed = (code: string, message: string): Answer<K> => fail(code, message) as Answer<K>;
    if (!r.ok) return failed('unreachable', `git on ${dest} could not be run (review ${op}): ${r.error.message}`);
    const parsed = parseAnswer(r.value.stdout);
    if (r.value.code !== 0 || parsed === null) {
      const said = r.value.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.value.code}`;
      if (installGone(r.value.code, r.value.stderr)) {
        opts.onInstallGone?.();
        return failed('remote_failed', `Baton's files on ${dest} are gone (review ${op}: ${said}); Baton installs them again on the next try.`);
      }
      return failed('remote_failed', `Baton's helper on ${dest} failed (review ${op}): ${said}. Check that git works there (ssh ${dest} git --version), then try again.`);
    }
    // The envelope is checked; the value is what the very same operation answers here (remote-helper.ts `review`).
    const checked = checkAnswer(AnyResultSchema, parsed, { dest, bundleDir: install.bundleDir, what: `review ${op}` });
    return checked.ok ? (checked.value as Answer<K>) : failed(checked.error.code, checked.error.message);
  }

  return {
    diffLive: (...a) => call('diffLive', a),
    diffPreserved: (...a) => call('diffPreserved', a),
    fileContents: (...a) => call('fileContents', a),
    revParse: (...a) => call('revParse', a),
    snapshot: (...a) => call('snapshot', a),
    commit: (...a) => call('commit', a),
    merge: (...a) => call('merge', a),
    rebaseOnto: (...a) => call('rebaseOnto', a),
    abortRebase: (...a) => call('abortRebase', a),
    push: (...a) => call('push', a),
    openPullRequest: (...a) => call('openPullRequest', a),
    branchLanding: (...a) => call('branchLanding', a),
    deleteBranch: (...a) => call('deleteBranch', a),
    preservedOf: (...a) => call('preservedOf', a),
  };
}
