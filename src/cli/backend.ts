import { existsSync } from 'node:fs';
import { describeHolder, runningInstance, takeDataDir, type InstanceLock } from '../main/app/instance';
import { APP_VERSION } from '../main/app/version';
import { connectControl, type ControlClient } from '../main/control/client';
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

/** How long a command waits for a starting Baton's control socket before saying so. */
const APP_START_WAIT_MS = 15_000;

/**
 * The Baton that holds the data dir (its baton.lock entry names it and its
 * control socket), else an older one found by control.json, else a headless
 * brain that holds the data dir itself for this command.
 */
export async function openBackend(dataDir: string, notice: (line: string) => void): Promise<Result<Backend>> {
  if (!existsSync(dataDir)) {
    return fail('no_data_dir', `There is no Baton data directory at ${dataDir}. Start Baton once, or pass --data-dir (or set BATON_HOME).`);
  }
  const deadline = Date.now() + APP_START_WAIT_MS;
  for (;;) {
    const holder = runningInstance(dataDir);
    if (holder?.kind === 'cli') return fail('data_dir_busy', `${describeHolder(holder)}; wait for it to finish, then run this again.`);
    const socket = holder ? holder.controlSocket : findControlSocket(dataDir);
    if (socket) {
      const c = await connectControl(socket);
      if (c.state === 'connected') return ok(appBackend(c.client));
      if (c.state === 'failed') return fail('control_failed', holder ? `${describeHolder(holder)}, but ${c.message}` : c.message);
    }
    if (holder) {
      // Running, its socket not up yet (it is starting), or it just exited: look again shortly.
      if (Date.now() > deadline) {
        const what = socket ? `its control socket ${socket} does not answer` : 'it has no control socket';
        return fail('control_failed', `${describeHolder(holder)}, but ${what}; the app's log says why (look for "control socket").`);
      }
      await sleep(100);
      continue;
    }
    const taken = takeDataDir(dataDir, { kind: 'cli', version: APP_VERSION });
    if (taken.ok) return ok(await openHeadless(dataDir, taken.lock, notice));
    // An app started between our look and our claim: go round and talk to it.
    if (taken.reason === 'unsafe' || Date.now() > deadline) return fail('data_dir_busy', taken.line.replace(/^baton: /, ''));
    await sleep(100);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function appBackend(client: ControlClient): Backend {
  return {
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
  };
}

/**
 * No app is running: open the data dir here, reconcile as a starting app
 * would, answer the command, and close. Closing lets go of the session hosts
 * without stopping them, so agents keep working and the app picks them up.
 */
async function openHeadless(dataDir: string, lock: InstanceLock, notice: (line: string) => void): Promise<Backend> {
  // Loaded only here: talking to a running app needs neither SQLite nor the domain code.
  const { createCore } = await import('../main/app/core');
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
    close: () => core.close().finally(() => lock.release()),
  };
}
