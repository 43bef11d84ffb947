import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentsCatalog } from '../../../src/main/agents/catalog';
import type { AgentInstall, AgentsReport } from '../../../src/shared/contracts/agents';
import { startApp, stopAndKill, type AppProcess } from '../../support/app-process';
import { buildOnce } from '../../support/build';
import { fakeHarnessBinary } from '../../support/scripted';
import { baton, json } from '../control/helpers';

const dirs: string[] = [];
const temp = (label: string): string => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), label)));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A command that answers `--version` the way most CLIs do. */
function versionedBinary(dir: string, bin: string, says: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, bin), `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "${says}"; exit 0; fi\nexit 1\n`);
  chmodSync(join(dir, bin), 0o755);
}

/** `npm install -g <pkg>`'s layout: <prefix>/bin/<bin> links into <prefix>/lib/node_modules/<pkg>, whose package.json has the version. */
function npmInstalled(prefix: string, pkg: string, bin: string, version: string): string {
  const root = join(prefix, 'lib', 'node_modules', ...pkg.split('/'));
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: pkg, version, bin: { [bin]: 'dist/index.js' } }));
  // No --version at all, like an ACP adapter that only speaks ACP: the package says the version.
  writeFileSync(join(root, 'dist', 'index.js'), '#!/bin/sh\nsleep 30\n');
  chmodSync(join(root, 'dist', 'index.js'), 0o755);
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  symlinkSync(join(root, 'dist', 'index.js'), join(prefix, 'bin', bin));
  return join(prefix, 'bin');
}

const byId = (r: AgentsReport, id: AgentInstall['id']): AgentInstall => r.agents.find((a) => a.id === id)!;

describe('the agents on this machine', () => {
  it('finds each on PATH with its version (package.json or --version); one that never says is installed without one, within the timeout', { timeout: 30_000 }, async () => {
    const dir = temp('baton-agents-');
    const npmBin = npmInstalled(join(dir, 'npm'), '@agentclientprotocol/claude-agent-acp', 'claude-agent-acp', '0.13.2');
    versionedBinary(join(dir, 'bin'), 'codex-acp', 'codex-acp 0.4.1');
    const script = join(dir, 'script.json');
    writeFileSync(script, JSON.stringify({ default: { steps: [{ type: 'text', text: 'hi' }] } }));
    // The scripted ACP agent ignores --version and waits for ACP on stdin: the probe must give up, not hang.
    fakeHarnessBinary(join(dir, 'silent'), 'gemini', script);
    const catalog = createAgentsCatalog({ path: () => [npmBin, join(dir, 'bin'), join(dir, 'silent')].join(':'), timeoutMs: 1500 });

    const started = Date.now();
    const report = await catalog.list();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(byId(report, 'claude-code')).toMatchObject({ name: 'Claude Code', installed: true, version: '0.13.2', path: join(npmBin, 'claude-agent-acp'), note: null });
    expect(byId(report, 'codex')).toMatchObject({ name: 'Codex', installed: true, version: '0.4.1', note: null });
    expect(byId(report, 'gemini')).toMatchObject({ name: 'Gemini CLI', installed: true, version: null, note: expect.stringContaining('did not tell its version within 2 s') });
  });
});

describe('agents.list and `baton agents` against the running app', () => {
  let app: AppProcess;
  let dataDir: string;
  let bin: string;
  beforeAll(async () => {
    buildOnce();
    dataDir = temp('baton-agents-data-');
    bin = temp('baton-agents-bin-');
    versionedBinary(bin, 'codex-acp', 'codex-acp version 0.4.1');
    // Only the fake binaries: whatever this machine has installed must not change the answer.
    app = await startApp({ dataDir, token: 'agents-test-token-0123456789-abcdefgh', env: { PATH: bin } });
  }, 180_000);
  afterAll(async () => {
    if (app) await stopAndKill(app);
  });

  it('installed with a version; missing with the npm package and the command that installs it', { timeout: 60_000 }, async () => {
    const report = await app.call<AgentsReport>('agents.list', {});
    expect(byId(report, 'codex')).toMatchObject({ installed: true, version: '0.4.1', path: join(bin, 'codex-acp') });
    expect(byId(report, 'claude-code')).toMatchObject({
      installed: false,
      version: null,
      npmPackage: '@agentclientprotocol/claude-agent-acp',
      installCommand: 'npm install -g @agentclientprotocol/claude-agent-acp',
      note: expect.stringContaining('npm install -g @agentclientprotocol/claude-agent-acp'),
    });
    expect(byId(report, 'gemini')).toMatchObject({ installed: false, installCommand: 'npm install -g @google/gemini-cli' });
  });

  it('is cached until refreshed', { timeout: 60_000 }, async () => {
    const before = await app.call<AgentsReport>('agents.list', {});
    versionedBinary(bin, 'gemini', '0.9.0');
    expect(await app.call<AgentsReport>('agents.list', {})).toEqual(before);
    const fresh = await app.call<AgentsReport>('agents.list', { refresh: true });
    expect(byId(fresh, 'gemini')).toMatchObject({ installed: true, version: '0.9.0' });
    rmSync(join(bin, 'gemini'));
  });

  it('`baton agents` prints the table and how to install; --json prints the contract value', { timeout: 60_000 }, async () => {
    const text = await baton(['agents', '--data-dir', dataDir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Codex\s+installed\s+0\.4\.1/);
    expect(text.stdout).toMatch(/Claude Code\s+missing\s+-\s+install: npm install -g @agentclientprotocol\/claude-agent-acp/);
    expect(text.stdout).toContain('2 not installed.');
    const report = json<AgentsReport>(await baton(['agents', '--json', '--data-dir', dataDir]));
    expect(report.agents.map((a) => [a.id, a.installed])).toEqual([
      ['claude-code', false],
      ['codex', true],
      ['gemini', false],
    ]);
  });
});
