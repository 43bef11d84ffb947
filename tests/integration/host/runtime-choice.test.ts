import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_HOST_RUNTIME } from '../../../src/main/runtime/host-runtime';
import { launchHost, type LaunchHostOptions } from '../../../src/main/runtime/launch';

/**
 * Which host program a launch runs (runtime/host-runtime.ts), up to the point of starting it: every case here is
 * refused before any process or file exists, so none depends on a built host, native or Node.
 */
const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function launchOptions(): LaunchHostOptions {
  const base = mkdtempSync(join(tmpdir(), 'baton-runtime-'));
  dirs.push(base);
  return { sessionId: 'runtime-1', dataDir: join(base, 'data'), cwd: base, command: 'true', args: [], env: { PATH: '/usr/bin:/bin' } };
}

const MISSING = '/nonexistent/baton-host';

describe('choosing the session host runtime', () => {
  it('runtime native with the binary missing fails host_missing, naming the path and the fix, and starts nothing', async () => {
    vi.stubEnv('BATON_NATIVE_HOST', MISSING);
    vi.stubEnv('BATON_HOST_RUNTIME', undefined);
    const o = launchOptions();
    const r = await launchHost({ ...o, runtime: 'native' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'host_missing', message: `The native session host was not found (${MISSING}, from BATON_NATIVE_HOST); run \`npm run build\` with a C compiler installed.` },
    });
    expect(existsSync(o.dataDir)).toBe(false);
  });

  it('BATON_HOST_RUNTIME=native asks for it too, and the message says how to go back to the Node host', async () => {
    vi.stubEnv('BATON_NATIVE_HOST', MISSING);
    vi.stubEnv('BATON_HOST_RUNTIME', 'native');
    const r = await launchHost(launchOptions());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('host_missing');
    expect(r.error.message).toContain(`not found (${MISSING}, from BATON_NATIVE_HOST)`);
    expect(r.error.message).toContain('or set BATON_HOST_RUNTIME=node');
  });

  it('an unknown BATON_HOST_RUNTIME is refused, naming the value and the ones that work', async () => {
    vi.stubEnv('BATON_HOST_RUNTIME', 'nodejs');
    const o = launchOptions();
    const r = await launchHost(o);
    expect(r).toEqual({ ok: false, error: { code: 'invalid_host_runtime', message: `BATON_HOST_RUNTIME is "nodejs"; it must be "node" or "native" (or unset, for ${DEFAULT_HOST_RUNTIME} where it is built).` } });
    expect(existsSync(o.dataDir)).toBe(false);
  });

  it("the launch's own runtime wins over the environment", async () => {
    vi.stubEnv('BATON_HOST_RUNTIME', 'nodejs');
    vi.stubEnv('BATON_NATIVE_HOST', MISSING);
    const native = await launchHost({ ...launchOptions(), runtime: 'native' });
    expect(native).toMatchObject({ ok: false, error: { code: 'host_missing', message: expect.stringContaining('native session host') } });
    // The node runtime with a script that is not there: refused by the Node host's own check, not the environment's.
    const node = await launchHost({ ...launchOptions(), runtime: 'node', hostScript: '/nonexistent/host.js' });
    expect(node).toMatchObject({ ok: false, error: { code: 'host_missing', message: 'The session host script was not found (/nonexistent/host.js); build the app first.' } });
  });

  it('unset or empty, the default runs: Node, or a native default whose binary is missing, which falls back to Node unasked', async () => {
    vi.stubEnv('BATON_NATIVE_HOST', MISSING);
    for (const value of [undefined, '']) {
      vi.stubEnv('BATON_HOST_RUNTIME', value);
      const r = await launchHost({ ...launchOptions(), hostScript: '/nonexistent/host.js' });
      expect(r).toMatchObject({ ok: false, error: { code: 'host_missing', message: expect.stringContaining('session host script was not found') } });
    }
  });
});
