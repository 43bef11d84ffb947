import { fail, ok, type Result } from '../../shared/result';

/** As long as a fresh token (24 random bytes, base64url): a shorter one is guessable by anything on this machine. */
export const MIN_TOKEN_LENGTH = 32;

/**
 * The browser-mode token chosen at launch: `--token`, else `BATON_TOKEN` (which
 * stays out of `ps`, unlike an argument), else null for a fresh random one. A
 * given token shorter than MIN_TOKEN_LENGTH is refused, never padded or
 * replaced: the person who chose it would be locked out without knowing why.
 */
export function chooseToken(flag: string | undefined, env: string | undefined): Result<string | null> {
  const [given, source] = flag !== undefined ? [flag, '--token'] : env ? [env, 'BATON_TOKEN'] : [undefined, ''];
  if (given === undefined) return ok(null);
  const length = [...given].length;
  if (length < MIN_TOKEN_LENGTH) {
    return fail(
      'token_too_short',
      `the token from ${source} is ${length} characters long; it must be at least ${MIN_TOKEN_LENGTH}. ` +
        `Make one with \`openssl rand -base64 32\` and pass it as BATON_TOKEN=… (arguments show in \`ps\`), or leave it out for a new random token each start.`,
    );
  }
  return ok(given);
}

/** For serve.ts: the chosen token, or the reason printed and the process ended (exit code 2, a usage error). */
export function launchTokenOrExit(flag: string | undefined, env: string | undefined): string | null {
  const r = chooseToken(flag, env);
  if (r.ok) return r.value;
  console.error(`baton: ${r.error.message}`);
  process.exit(2);
}
