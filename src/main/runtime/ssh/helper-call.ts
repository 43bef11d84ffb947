/** One call of the remote helper (remote.js) over an SSH link: its verb run there, its one JSON answer parsed, and a failure said with what the remote said. */
import type { z } from 'zod';
import { fail, type Result } from '../../../shared/result';
import { isRecordObject } from '../../host/protocol';
import { checkAnswer, parseAnswer } from './answers';
import type { RemoteInstall } from './bootstrap';
import { shq, type SshLink } from './link';

/** One answered helper call: what it was and how much came back over the link. */
export interface HelperCall {
  destination: string;
  verb: string;
  bytes: number;
  /** Journal records or lines it carried (journal, tail); 0 for the others. */
  records: number;
}

export interface HelperCallerOptions {
  link: SshLink;
  install: RemoteInstall;
  onHelperCall?: (call: HelperCall) => void;
  /** Baton's files on the destination are gone (removed by someone): the next use installs them again. */
  onInstallGone?: () => void;
}

/** A helper that could not even start (node or remote.js missing there): exit 127 or node's own "Cannot find module". */
export function installGone(code: number | null, stderr: string): boolean {
  return code === 127 || /Cannot find module|No such file or directory/.test(stderr);
}

/** How many journal records or lines an answer carried: the positive count of what was read there. */
function recordsIn(answer: unknown): number {
  if (!isRecordObject(answer)) return 0;
  const count = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
  return count(answer.records) + count(answer.lines);
}

/** The remote command line that runs one helper verb (every value quoted for the remote's shell). */
export const helperCommand = (install: RemoteInstall, verb: string, ...args: string[]): string => [install.node, `${install.bundleDir}/remote.js`, verb, ...args].map(shq).join(' ');

/**
 * Runs helper verbs whose answer is one JSON document, checked against the verb's schema (answers.ts); a failure
 * names the verb and what the remote said, or what in its answer was wrong.
 */
export function helperCaller(o: HelperCallerOptions) {
  const dest = o.link.target.destination;
  return async function call<T>(verb: string, args: string[], input: string | null, timeoutMs: number, schema: z.ZodType<T>): Promise<Result<T>> {
    const r = await o.link.exec(helperCommand(o.install, verb, ...args), input, timeoutMs);
    if (!r.ok) return r;
    const parsed = parseAnswer(r.value.stdout);
    if (o.onHelperCall) o.onHelperCall({ destination: dest, verb, bytes: r.value.stdout.length, records: recordsIn(parsed) });
    if (r.value.code !== 0 || parsed === null) {
      const said = r.value.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${r.value.code}`;
      if (installGone(r.value.code, r.value.stderr)) {
        o.onInstallGone?.();
        return fail('remote_failed', `Baton's files on ${dest} are gone (${verb}: ${said}); Baton installs them again on the next try.`);
      }
      return fail('remote_failed', `Baton's helper on ${dest} failed (${verb}): ${said}.`);
    }
    return checkAnswer(schema, parsed, { dest, bundleDir: o.install.bundleDir, what: verb });
  };
}
