import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { spawnErrorText, unusableEnvKeys, unusableEnvMessage } from '../../../src/main/lib/spawn-error';

const SECRET = 'hunter2-do-not-print';

/** What a real spawn throws for an environment value no process can carry. */
function spawnWith(env: Record<string, string>): unknown {
  try {
    const child = spawn(process.execPath, ['-e', ''], { env, stdio: 'ignore' });
    child.kill();
    return null;
  } catch (e) {
    return e;
  }
}

describe('spawn failures in words that never carry the environment', () => {
  it("Node's own message quotes the value; ours names only what failed", () => {
    const e = spawnWith({ API_TOKEN: `${SECRET}\0tail` });
    // The premise: this is what used to reach stateDetail, the journal and host.log.
    expect((e as Error).message).toContain(SECRET);
    expect(spawnErrorText(e)).not.toContain(SECRET);
    expect(spawnErrorText(e)).toContain('NUL');
  });

  it('names the keys that cannot be passed, never their values', () => {
    const keys = unusableEnvKeys({ GOOD: 'x', API_TOKEN: `${SECRET}\0`, 'A=B': 'y', '': 'z' });
    expect(keys).toEqual(['API_TOKEN', 'A=B', '(empty name)']);
    const msg = unusableEnvMessage(keys, '"agent"');
    expect(msg).toContain('"API_TOKEN"');
    expect(msg).not.toContain(SECRET);
    expect(unusableEnvKeys({ PATH: '/bin', EMPTY: '' })).toEqual([]);
  });

  it('an errno is kept, by its code', () => {
    expect(spawnErrorText(Object.assign(new Error(`spawn ${SECRET} ENOENT`), { code: 'ENOENT' }))).toBe('the command or its working directory does not exist (ENOENT)');
    expect(spawnErrorText(new Error(SECRET))).toBe('the process could not be started');
  });
});
