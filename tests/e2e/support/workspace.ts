import { test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo } from '../../support/git';
import { removeDir, startServer, stopServer, type RunningServer } from './server';
import { killAllHosts } from './sessions';

/** One test's temp dir and server; a spec gets a fresh one per test from useWorkspace. */
export interface Workspace {
  /** The temp dir for this test's repositories, scripts and fake binaries. */
  readonly dir: string;
  /** The server the test runs (a test that restarts it puts the new one here); stopped after the test. */
  server: RunningServer | null;
  /** The running server; fails when there is none. */
  readonly running: RunningServer;
  /** A one-commit git repository at `<dir>/<name>`. */
  repo(name: string): string;
  /** Writes a script for the scripted agent into the temp dir and returns its path. */
  writeScript(script: unknown, name?: string): string;
  /** Starts the server (`env` adds to its environment, e.g. a PATH with fake harness binaries) and opens the page on it. */
  serve(page: Page, env?: Record<string, string>): Promise<RunningServer>;
}

/**
 * Registers this spec's beforeEach/afterEach: a temp dir per test (and, with
 * `startServer`, a server started before it), and afterwards the server
 * stopped, every session host it left killed, and both dirs removed.
 */
export function useWorkspace(label: string, opts: { startServer?: boolean } = {}): Workspace {
  let dir = '';
  const ws: Workspace = {
    get dir() {
      return dir;
    },
    server: null,
    get running() {
      if (!ws.server) throw new Error('no server is running');
      return ws.server;
    },
    repo(name) {
      const repo = join(dir, name);
      mkdirSync(repo);
      return makeRepo(repo, { 'README.md': `# ${name}\n` });
    },
    writeScript(script, name = 'script.json') {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(script));
      return path;
    },
    async serve(page, env) {
      ws.server = await startServer(env ? { env } : {});
      await page.goto(ws.server.url);
      return ws.server;
    },
  };
  test.beforeEach(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), `baton-e2e-${label}-`)));
    if (opts.startServer) ws.server = await startServer();
  });
  test.afterEach(async () => {
    if (ws.server) {
      await stopServer(ws.server);
      await killAllHosts(ws.server.dataDir);
      removeDir(ws.server.dataDir);
      ws.server = null;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return ws;
}
