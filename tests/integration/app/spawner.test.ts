/**
 * The app runs its git through the spawner (ADR 0030): a running Baton has one spawner child, the git it runs for
 * a project is that child's child (never main's), and the spawner ends with the app.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import { buildOnce } from '../../support/build';
import { waitUntil } from '../../support/scripted';
import { baton } from '../control/helpers';
import { end, serve, type Served } from './helpers';

const TOKEN = 'spawner-test-token-0123456789abcdef';
const dirs: string[] = [];
let app: Served | null = null;
const temp = (label: string): string => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
  dirs.push(d);
  return d;
};

beforeAll(() => buildOnce(), 180_000);
afterAll(async () => {
  if (app) await end(app);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Direct children of `pid`, with their command lines. */
function children(pid: number): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push({ pid: Number(e), cmd: readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

describe('the app starts git from its spawner', () => {
  it("adding a project runs git as the spawner's child, not main's; the spawner ends with the app", async () => {
    const dataDir = temp('baton-spawner-data-');
    const repo = join(temp('baton-spawner-repo-'), 'repo');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    execFileSync('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'init']);
    // A wrapper first on PATH records the parent of every git the app runs.
    const bin = temp('baton-spawner-bin-');
    const parents = join(bin, 'parents');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho $PPID >> "${parents}"\nexec "${realGit}" "$@"\n`);
    await chmod(join(bin, 'git'), 0o755);

    app = serve(['--data-dir', dataDir, '--token', TOKEN, '--port', '0'], { PATH: `${bin}:${process.env.PATH ?? ''}` });
    await app.url;
    const mainPid = app.proc.pid ?? 0;
    const add = await baton(['project', 'add', repo, '--json', '--data-dir', dataDir]);
    expect(add.code, add.stderr).toBe(0);

    const spawners = children(mainPid).filter((c) => c.cmd.includes('spawner.js'));
    expect(spawners).toHaveLength(1);
    const spawnerPid = spawners[0]?.pid ?? 0;
    const seen = readFileSync(parents, 'utf8').trim().split('\n').map(Number);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p === spawnerPid)).toBe(true);

    await end(app);
    app = null;
    await waitUntil(() => isPidAlive(spawnerPid), (a) => !a, 10_000, 'the spawner to end with the app');
  }, 60_000);
});
