import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBrowserServer, newToken } from './api/ws-server';
import { createCore } from './app/core';
import { takeDataDir } from './app/instance';
import { resolveDataDir } from './app/paths';
import { APP_VERSION } from './app/version';
import { startAppControl } from './control';
import { browserStatePath, chooseLaunchAddress, readBrowserState, writeBrowserState } from './launch/browser-state';
import { launchTokenOrExit } from './launch/token';

/**
 * Browser mode: the same brain as the Electron app, its renderer served on
 * 127.0.0.1 behind a per-launch token.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`Usage: npm run serve -- [--port N] [--data-dir DIR] [--token T]

  --port N        listen on 127.0.0.1:N (default: the port of the last start, else a free one)
  --data-dir DIR  where Baton keeps its database and worktrees (default: $BATON_HOME or ~/.baton)
  --token T       use this token (at least 32 characters) for this start (default: the last start's,
                  kept in DIR/browser.json, else a new random one);
                  BATON_TOKEN=T in the environment does the same and stays out of ps

  The address stays the same across restarts, so an open tab reconnects by itself.`);
    return;
  }
  const flagPort = values.port === undefined ? null : Number(values.port);
  const port = flagPort ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`baton: --port must be a number from 0 to 65535, got "${values.port}".`);
    process.exitCode = 2;
    return;
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const givenToken = launchTokenOrExit(values.token, process.env.BATON_TOKEN);
  // Private, and ours alone, before the database is opened: it holds project secrets, and two brains on one file fight.
  const taken = takeDataDir(dataDir, { kind: 'browser', version: APP_VERSION });
  if (!taken.ok) {
    console.error(taken.line);
    process.exitCode = 1;
    return;
  }
  const lock = taken.lock;
  // Read only once the data dir is ours: another instance's address is not ours to take.
  const address = chooseLaunchAddress({ port: flagPort, token: givenToken, stored: readBrowserState(dataDir), fresh: newToken });
  const token = address.token;
  const core = createCore({ dataDir, mode: 'browser', version: APP_VERSION });
  const here = dirname(fileURLToPath(import.meta.url));
  const listen = (on: number) =>
    startBrowserServer({ router: core.router, hub: core.hub, ctx: { via: 'ws' }, token, port: on, staticDir: join(here, '../renderer') });
  let server;
  try {
    try {
      server = await listen(address.port);
    } catch (e) {
      // The last start's port is a wish, not a demand: another program may hold it now.
      if (!address.portIsPreference) throw e;
      server = await listen(0);
      console.log(
        `baton: port ${address.port} (used last time) is taken, so Baton listens on ${server.port} instead; tabs opened before need the new address below.`,
      );
    }
  } catch (e) {
    await core.close();
    lock.release();
    const reason = e instanceof Error ? e.message : String(e);
    console.error(`baton: could not listen on 127.0.0.1:${address.port} (${reason}). Pick another --port.`);
    process.exitCode = 1;
    return;
  }
  try {
    writeBrowserState(dataDir, { port: server.port, token: address.tokenToKeep });
  } catch (e) {
    // Not fatal: this start works; the next one just gets a new address.
    console.error(`baton: could not remember this address in ${browserStatePath(dataDir)} (${e instanceof Error ? e.message : String(e)}); the next start will print a new one.`);
  }
  // CallContext has no control transport yet (asked for); nothing reads `via` today.
  const control = await startAppControl({ dataDir, router: core.router, hub: core.hub, ctx: { via: 'ws' }, version: APP_VERSION, onTool: (req) => core.callTool(req) });
  lock.update({ url: `${new URL(server.url).origin}/`, ...(control.socket ? { controlSocket: control.socket } : {}) });
  void core.recover().catch((e: unknown) => console.error('[baton] reconcile failed:', e));
  console.log(`Baton ${APP_VERSION} (browser mode), data in ${dataDir}`);
  console.log(`Open ${server.url}`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    // No dialog in a terminal: the setting decides, and leaving agents running is the default.
    const stopAgents = core.settings().quitBehavior === 'stop_all';
    const open = core.openSessionCount();
    console.log(`\nbaton: ${signal}, shutting down`);
    if (open > 0) {
      console.log(
        stopAgents
          ? `baton: stopping ${open} agent session(s) (Settings → When quitting: Stop all agents).`
          : `baton: ${open} agent session(s) keep running; the next start picks them up. To stop them on quit, set Settings → When quitting → Stop all agents.`,
      );
    }
    void Promise.all([control.close(), server.close()])
      .then(() => core.close({ stopAgents }))
      .then(() => lock.release())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
