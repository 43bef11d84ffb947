import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../src/main/agents/command-line';
import { agentEnvironment, findExecutable, harnessFor, resolveHarness } from '../../src/main/agents/harness';

describe('splitCommandLine', () => {
  it.each([
    ['node agent.mjs --flag', ['node', 'agent.mjs', '--flag']],
    [`node "/path with space/agent.mjs" 'single quoted' a\\ b`, ['node', '/path with space/agent.mjs', 'single quoted', 'a b']],
    ['  spaced   out  ', ['spaced', 'out']],
    [`echo "a \\"quoted\\" word" ""`, ['echo', 'a "quoted" word', '']],
    ['echo $HOME; rm -rf /', ['echo', '$HOME;', 'rm', '-rf', '/']],
  ])('%s', (line, argv) => {
    expect(splitCommandLine(line)).toEqual({ ok: true, argv });
  });
  it('rejects an unclosed quote and an empty line', () => {
    expect(splitCommandLine('node "oops').ok).toBe(false);
    expect(splitCommandLine('   ').ok).toBe(false);
  });
});

describe('harness resolution', () => {
  it('finds a custom command on PATH and explains a missing one', () => {
    expect(resolveHarness('custom', 'node --version')).toMatchObject({ ok: true, value: { args: ['--version'] } });
    const missing = resolveHarness('custom', 'definitely-not-installed-agent --acp');
    expect(missing).toMatchObject({ ok: false, error: { code: 'agent_not_found' } });
  });

  it('a missing known harness says how to install it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-path-'));
    const saved = process.env.PATH;
    process.env.PATH = dir;
    try {
      const r = resolveHarness('codex');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toContain('npm install -g @agentclientprotocol/codex-acp');
      const bin = join(dir, 'codex-acp');
      writeFileSync(bin, '#!/bin/sh\n');
      chmodSync(bin, 0o755);
      expect(resolveHarness('codex')).toEqual({ ok: true, value: { command: bin, args: [] } });
      expect(findExecutable('codex-acp')).toBe(bin);
    } finally {
      process.env.PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agents get a minimal environment plus the project env, never Baton secrets', () => {
    const env = agentEnvironment({ API_KEY: 'k' }, { PATH: '/bin', HOME: '/h', BATON_TOKEN: 'secret', ELECTRON_RUN_AS_NODE: '1', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', API_KEY: 'k' });
  });

  it("an SSH project's agent is that machine's: taken as configured, never looked up on this PATH", () => {
    const missing = 'baton-agent-that-is-nowhere-here --acp';
    expect(harnessFor('local', 'custom', missing)).toMatchObject({ ok: false });
    expect(harnessFor('ssh', 'custom', missing)).toEqual({ ok: true, value: { command: 'baton-agent-that-is-nowhere-here', args: ['--acp'] } });
    expect(harnessFor('ssh', 'custom', '')).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
  });
});
