import { existsSync } from 'node:fs';
import { connectControl } from '../main/control/client';
import { findControlSocket } from '../main/control/paths';
import { fail, ok, type Result } from '../shared/result';

/** Where the contract is answered: the running app over its control socket, or a brain opened here for one command. */
export interface Backend {
  kind: 'app' | 'headless';
  /** The running app's pid and version (app), or this process's (headless). */
  pid: number;
  version: string;
  call(name: string, input: unknown): Promise<Result<unknown>>;
  on(name: string, listener: (payload: unknown) => void): () => void;
  /** Settles if the app goes away mid-command; never in headless mode. */
  lost: Promise<void>;
  close(): Promise<void>;
}

export async function openBackend(dataDir: string, notice: (line: string) => void): Promise<Result<Backend>> {
  if (!existsSync(dataDir)) {
    return fail('no_data_dir', `There is no Baton data directory at ${dataDir}. Start Baton once, or pass --data-dir (or set BATON_HOME).`);
  }
  const c = await connectControl(findControlSocket(dataDir));
  if (c.state === 'failed') return fail('control_failed', c.message);
  if (c.state === 'connected') {
    const client = c.client;
    return ok({
      kind: 'app',
      pid: client.hello.pid,
      version: client.hello.version,
      call: (name, input) => client.call(name, input),
      on: (name, listener) => client.on(name, listener),
      lost: client.closed,
      async close() {
        client.close();
        await client.closed;
      },
    });
  }
  return ok(await openHeadless(dataDir, notice));
}

/**
 * No app is running: open the data dir here, reconcile as a starting app
 * would, answer the command, and close. Closing lets go of the session hosts
 * without stopping them, so agents keep working and the app picks them up.
 */
async function openHeadless(dataDir: string, notice: (line: string) => void): Promise<Backend> {
  // Loaded only here: talking to a running app needs neither SQLite nor the domain code.
  const [{ createCore }, { APP_VERSION }] = await Promise.all([import('../main/app/core'), import('../main/app/version')]);
  // The brain logs its progress with console.log; stdout belongs to the command's output (--json must stay parseable).
  console.log = (...args: unknown[]) => console.error(...args);
  console.info = console.log;
  notice(`baton: Baton is not running; opening ${dataDir} here for this command (agents keep running afterwards).`);
  const core = createCore({ dataDir, mode: 'browser', version: APP_VERSION });
  await core.recover().catch((e: unknown) => notice(`baton: reconciling sessions failed: ${e instanceof Error ? e.message : String(e)}`));
  return {
    kind: 'headless',
    pid: process.pid,
    version: APP_VERSION,
    // CallContext has no transport for the command line yet (asked for); nothing reads `via` today.
    call: (name, input) => core.router.call(name, input, { via: 'ws' }),
    on(name, listener) {
      return core.hub.listen((n, payload) => {
        if (n === name) listener(payload);
      });
    },
    lost: new Promise<void>(() => undefined),
    close: () => core.close(),
  };
}
