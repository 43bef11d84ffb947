/**
 * Spawn failures described without their message: Node quotes the offending
 * value into it (`options.env['TOKEN'] must be a string without null bytes.
 * Received 'secret…'`), and that text would travel to stateDetail, the setup
 * log, the journal and host.log. The code alone says enough.
 */
export function spawnErrorText(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : null;
  switch (code) {
    case 'ENOENT':
      return 'the command or its working directory does not exist (ENOENT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'E2BIG':
      return 'its arguments and environment are too large (E2BIG)';
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_INVALID_ARG_TYPE':
      return 'an argument or environment variable is not a valid string (a NUL character, say)';
    case null:
      return 'the process could not be started';
    default:
      return `the process could not be started (${code})`;
  }
}

/**
 * The keys of `env` that no process environment can carry: empty, holding
 * `=` or NUL, or a value holding NUL. Only keys are returned; values stay out
 * of every message.
 */
export function unusableEnvKeys(env: Readonly<Record<string, string | undefined>>): string[] {
  const bad: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (k === '' || k.includes('=') || k.includes('\0') || (v !== undefined && v.includes('\0'))) bad.push(k === '' ? '(empty name)' : k.replaceAll('\0', '\\0'));
  }
  return bad;
}

/** The message for unusableEnvKeys' findings, naming the keys and where to fix them. */
export function unusableEnvMessage(keys: readonly string[], what: string): string {
  const names = keys.map((k) => `"${k}"`).join(', ');
  return `${what} cannot start: the environment variable${keys.length > 1 ? 's' : ''} ${names} cannot be passed to a process (an empty name, "=" in the name, or a NUL character). Fix ${keys.length > 1 ? 'them' : 'it'} in the project's settings (Environment).`;
}
