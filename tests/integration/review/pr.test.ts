import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compareUrl, githubRepo } from '../../../src/main/git/push';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { git, reviewSession, teardown, write } from './helpers';

let h: Harness;
const PATH = process.env.PATH ?? '';
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  process.env.PATH = PATH;
  await teardown(h);
});

/** A fake `gh` first on PATH: records its arguments, says it is logged in (or not), prints a PR URL. */
function fakeGh(loggedIn: boolean): { log: string } {
  const dir = h.tempDir('baton-fake-gh-');
  const log = join(dir, 'calls.log');
  writeFileSync(
    join(dir, 'gh'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\nif [ "$1" = auth ]; then ${loggedIn ? 'exit 0' : 'echo "You are not logged into any GitHub hosts" >&2; exit 1'}; fi\nif [ "$1" = pr ]; then echo "https://github.com/acme/widget/pull/42"; exit 0; fi\nexit 2\n`,
  );
  chmodSync(join(dir, 'gh'), 0o755);
  process.env.PATH = `${dir}:${PATH}`;
  return { log };
}

/** A bare remote on disk that poses as github.com/acme/widget: pushes go to the bare repo, the URL reads as GitHub's. */
async function withRemote(url = 'git@github.com:acme/widget.git') {
  const s = await reviewSession(h, { title: 'Add widget' });
  const bare = h.tempDir('baton-bare-');
  git(bare, 'init', '-q', '--bare');
  git(s.repo, 'remote', 'add', 'origin', url);
  git(s.repo, 'config', 'remote.origin.pushurl', bare);
  write(s.wt, 'widget.txt', 'w\n');
  git(s.wt, 'add', '-A');
  git(s.wt, 'commit', '-qm', 'widget');
  return { ...s, bare };
}

describe('review.pr: push with the system git, PR with gh or the compare URL', () => {
  it('pushes to the remote and creates the PR with gh when it is logged in; the URL is stored', async () => {
    const s = await withRemote();
    const gh = fakeGh(true);
    const r = await h.must('review.pr', { sessionId: s.session.id });
    expect(r.pushed).toEqual({ remote: 'origin', remoteUrl: 'git@github.com:acme/widget.git', branch: s.session.branch });
    expect(r.pr).toEqual({ kind: 'created', url: 'https://github.com/acme/widget/pull/42' });
    expect(git(s.bare, 'rev-parse', `refs/heads/${s.session.branch}`).trim()).toBe(git(s.wt, 'rev-parse', 'HEAD').trim());
    const calls = readFileSync(gh.log, 'utf8').trim().split('\n');
    expect(calls[0]).toBe('auth status --hostname github.com');
    expect(calls[1]).toBe(`pr create --repo acme/widget --base main --head ${s.session.branch} --title Add widget --body Do the work\n\nMade by Baton session ${s.session.id} on ${s.session.branch}.`.split('\n')[0]);
    expect((await h.must('review.status', { sessionId: s.session.id })).facts.pr).toMatchObject({ url: 'https://github.com/acme/widget/pull/42', kind: 'created' });
  });

  it('falls back to the compare URL when gh is not logged in', async () => {
    const s = await withRemote('https://github.com/acme/widget.git');
    fakeGh(false);
    const r = await h.must('review.pr', { sessionId: s.session.id, title: 'T' });
    expect(r.pr).toMatchObject({ kind: 'compare', url: `https://github.com/acme/widget/compare/main...${s.session.branch}` });
    expect(git(s.bare, 'rev-parse', `refs/heads/${s.session.branch}`).trim()).toBe(git(s.wt, 'rev-parse', 'HEAD').trim());
  });

  it('says no PR could be made for a remote that is not GitHub, naming the pushed branch', async () => {
    const s = await reviewSession(h);
    const bare = h.tempDir('baton-bare-');
    git(bare, 'init', '-q', '--bare');
    git(s.repo, 'remote', 'add', 'origin', bare);
    const r = await h.must('review.pr', { sessionId: s.session.id });
    expect(r.pr.kind).toBe('none');
    if (r.pr.kind === 'none') expect(r.pr.message).toContain(s.session.branch);
    expect(git(bare, 'rev-parse', `refs/heads/${s.session.branch}`).trim()).toBe(git(s.wt, 'rev-parse', 'HEAD').trim());
  });

  it('fails as a value, saying what to do, when there is no remote', async () => {
    const s = await reviewSession(h);
    const r = await h.call('review.pr', { sessionId: s.session.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'no_remote' } });
  });

  it('reads GitHub remotes in their ssh and https forms', () => {
    for (const u of ['git@github.com:acme/widget.git', 'ssh://git@github.com/acme/widget.git', 'https://github.com/acme/widget', 'https://github.com/acme/widget.git', 'https://me@github.com/acme/widget.git/']) {
      expect(githubRepo(u), u).toBe('acme/widget');
    }
    expect(githubRepo('git@gitlab.com:acme/widget.git')).toBeNull();
    expect(githubRepo('/srv/git/widget.git')).toBeNull();
    expect(compareUrl('acme/widget', 'main', 'baton/p-x')).toBe('https://github.com/acme/widget/compare/main...baton/p-x');
  });
});
