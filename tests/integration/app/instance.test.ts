import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/cli/commands';
import { buildOnce } from '../../support/build';
import { waitUntil } from '../../support/scripted';
import { baton, json } from '../control/helpers';
import { end, serve, type Served } from './helpers';

const TOKEN = 'instance-test-token-0123456789abcdef';
const dirs: string[] = [];
const running: Served[] = [];
const temp = (label: string): string => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
  dirs.push(d);
  return d;
};
const start = (dataDir: string, env: Record<string, string> = {}): Served => {
  const s = serve(['--data-dir', dataDir, '--token', TOKEN], env);
  running.push(s);
  return s;
};
const done = (s: Served): boolean => s.proc.exitCode !== null || s.proc.signalCode !== null;
const listening = (s: Served): boolean => /Open http/.test(s.output());

/** The line a refused second Baton prints, naming the survivor (its URL only once it has one). */
const refusal = (dataDir: string, pid: number) =>
  new RegExp(`^baton: Baton is already running on ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(pid ${pid}, browser mode( at http://127\\.0\\.0\\.1:\\d+/)?\\); use that one, or stop it first\\.\\n$`);

beforeAll(() => buildOnce(), 180_000);
afterAll(async () => {
  await Promise.all(running.map((s) => end(s)));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('one Baton per data dir', () => {
  it('two started at the same moment: exactly one runs, the other exits 1 with one line naming it (never the token)', async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = temp('baton-inst-race-');
      const pair = [start(dataDir), start(dataDir)];
      // Settled: one listening and one gone, or (the defect) both listening, or both gone.
      await waitUntil(
        () => pair.map((s) => (done(s) ? 'exited' : listening(s) ? 'listening' : 'starting')),
        (st) => !st.includes('starting'),
        60_000,
        'both processes to settle',
      );
      const winner = pair.find((s) => !done(s));
      const loser = pair.find((s) => done(s));
      expect(winner, `round ${round}: ${pair.map((s) => s.output()).join('\n---\n')}`).toBeDefined();
      expect(loser, `round ${round}: both kept running:\n${pair.map((s) => s.output()).join('\n---\n')}`).toBeDefined();
      const gone = await (loser as Served).exited;
      expect(gone.code).toBe(1);
      expect(gone.out).toMatch(refusal(dataDir, (winner as Served).proc.pid as number));
      expect(gone.out).not.toContain(TOKEN);
      await end(winner as Served);
    }
  }, 240_000);

  it('a second one started later names the first with its URL; after kill -9 of the first, a new one starts', async () => {
    const dataDir = temp('baton-inst-stale-');
    const first = start(dataDir);
    const url = await first.url;
    const second = await start(dataDir).exited;
    expect(second.code).toBe(1);
    expect(second.out).toMatch(refusal(dataDir, first.proc.pid as number));
    expect(second.out).toContain(`at ${new URL(url).origin}/)`);
    expect(second.out).not.toContain(TOKEN);

    first.proc.kill('SIGKILL');
    await first.exited;
    // kill -9 ran no exit handler: its entry is still there, naming a dead process.
    expect(readdirSync(join(dataDir, 'baton.lock')).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    const third = start(dataDir);
    await third.url;
    expect(readdirSync(join(dataDir, 'baton.lock')).filter((n) => n.endsWith('.json'))).toEqual([expect.stringMatching(new RegExp(`^${third.proc.pid}-`))]);
    await end(third);
    // A clean exit takes its entry away.
    expect(readdirSync(join(dataDir, 'baton.lock')).filter((n) => n.endsWith('.json'))).toEqual([]);
  }, 120_000);

  it('the baton command uses the running one, found through its lock entry (even without control.json)', async () => {
    const dataDir = temp('baton-inst-cli-');
    const app = start(dataDir);
    await app.url;
    rmSync(join(dataDir, 'control.json'));
    const r = json<StatusReport>(await baton(['status', '--json', '--data-dir', dataDir]));
    expect(r.connection).toMatchObject({ kind: 'app', pid: app.proc.pid });
    await end(app);
  }, 120_000);

  it('the baton command finds a Baton started with BATON_HOME, with neither --data-dir nor BATON_HOME of its own', async () => {
    const home = temp('baton-inst-home-');
    const dataDir = temp('baton-inst-elsewhere-');
    const app = start(dataDir, { HOME: home });
    await app.url;
    const r = await baton(['status', '--json'], { env: { HOME: home } });
    expect(json<StatusReport>(r).connection).toMatchObject({ kind: 'app', pid: app.proc.pid });
    expect(json<StatusReport>(r).app.dataDir).toBe(dataDir);
    await end(app);
    expect(existsSync(join(home, '.baton', 'running'))).toBe(true);
    expect(readdirSync(join(home, '.baton', 'running'))).toEqual([]);
  }, 120_000);
});
