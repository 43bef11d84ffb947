import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { WorktreePanel } from '../../../src/shared/contracts/worktrees';
import { startApp, stopAndKill, type AppProcess } from '../../support/app-process';
import { buildOnce } from '../../support/build';
import { makeRepo } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';

const dirs: string[] = [];
const temp = (label: string): string => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
  dirs.push(d);
  return d;
};
let app: AppProcess | null = null;
/** Another build to run (tests/integration/app/helpers.ts): how this test was seen failing before the fix. */
const SERVE = process.env.BATON_TEST_SERVE;

beforeAll(() => buildOnce(), 180_000);
afterAll(async () => {
  if (app) await stopAndKill(app);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Every entry of the data dir whose mode is not private: Baton's own dirs 0700
 * and files 0600 exactly. The checkouts under worktrees/ are the user's code,
 * made under the user's own umask; the 0700 worktrees folder is what keeps
 * other users out of them.
 */
function loose(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) continue;
      const mode = st.mode & 0o777;
      const rel = relative(dataDir, p);
      if (/^worktrees\/./.test(rel)) continue;
      const ok = mode === (st.isDirectory() ? 0o700 : 0o600);
      if (!ok) out.push(`${rel} ${mode.toString(8)}`);
      if (st.isDirectory()) walk(p);
    }
  };
  const top = lstatSync(dataDir).mode & 0o777;
  if (top !== 0o700) out.push(`. ${top.toString(8)}`);
  walk(dataDir);
  return out;
}

describe('the data dir is private', () => {
  it('a 0755 data dir with a 0644 database (and a 0644 journal) is closed at start; everything made while running is private', { timeout: 180_000 }, async () => {
    const dataDir = temp('baton-perm-');
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'baton.db'), '');
    chmodSync(join(dataDir, 'baton.db'), 0o644);
    mkdirSync(join(dataDir, 'sessions', 'left-by-an-old-baton'), { recursive: true });
    chmodSync(join(dataDir, 'sessions'), 0o755);
    chmodSync(join(dataDir, 'sessions', 'left-by-an-old-baton'), 0o755);
    writeFileSync(join(dataDir, 'sessions', 'left-by-an-old-baton', 'journal.jsonl'), '');
    chmodSync(join(dataDir, 'sessions', 'left-by-an-old-baton', 'journal.jsonl'), 0o644);
    expect(loose(dataDir).length).toBeGreaterThan(0);

    const USER_UMASK = process.umask();
    app = await startApp({ dataDir, token: 'permissions-test-token-0123456789', ...(SERVE ? { serveScript: SERVE } : {}) });
    const call = app.call.bind(app);
    const { project } = await call<{ project: { id: string } }>('projects.add', { path: makeRepo(temp('baton-perm-repo-')), name: 'perm' });
    await call('projects.update', {
      id: project.id,
      patch: { workerAgent: 'custom', customCommand: scriptedCommand(temp('baton-perm-script-'), { default: { steps: [{ type: 'text', text: 'Done.' }] } }), setupCommands: ['echo set up > setup-output.txt'] },
    });
    await call('projects.setEnv', { id: project.id, key: 'API_TOKEN', value: 'not-for-other-users' });
    const s = await call<SessionSummary>('sessions.create', { projectId: project.id, prompt: 'Do it', harness: 'custom' });
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: s.id }), (x) => x.state === 'idle' && x.lastSeq > 3, 60_000, 'the turn');
    await waitUntil(() => call<WorktreePanel>('worktrees.list', { projectId: project.id }), (p) => p.worktrees.every((w) => w.setup.state === 'ok'), 60_000, 'setup');

    // While it runs: the database with its -wal and -shm, control.json and its socket, the lock entry, the session's files.
    const running = readdirSync(dataDir);
    expect(running).toEqual(expect.arrayContaining(['baton.db', 'baton.db-wal', 'baton.db-shm', 'control.json', 'baton.lock', 'sessions', 'worktrees']));
    expect(readdirSync(join(dataDir, 'sessions', s.id))).toEqual(expect.arrayContaining(['journal.jsonl', 'host.log', 'host.json']));
    expect(loose(dataDir)).toEqual([]);
    // What the setup command (and so an agent) makes in the checkout keeps the user's umask (022 here), not Baton's 077.
    const panel = await call<WorktreePanel>('worktrees.list', { projectId: project.id });
    const made = lstatSync(join(panel.worktrees[0]!.path, 'setup-output.txt')).mode & 0o777;
    expect(made.toString(8)).toBe((0o666 & ~USER_UMASK).toString(8));

    await stopAndKill(app);
    app = null;
    expect(loose(dataDir)).toEqual([]);
  });

  // Handing a directory to another user takes root (CI and this machine run as root).
  it.skipIf(process.getuid?.() !== 0)('a data dir that is not ours is refused with one clear line', { timeout: 60_000 }, async () => {
    const dataDir = temp('baton-perm-foreign-');
    chownSync(dataDir, 65534, 65534);
    await expect(startApp({ dataDir, token: 'permissions-test-token-0123456789' })).rejects.toThrow(
      `app exited with 1: baton: The data directory ${dataDir} belongs to another user (uid 65534); pick your own with --data-dir or BATON_HOME.\n`,
    );
  });
});
