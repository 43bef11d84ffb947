/** The real app (out/main/serve.js) with one project, for terminal tests that kill and restart main; cleanup kills every terminal host it started. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPidAlive } from '../../../src/main/host/proc';
import type { AppStatus } from '../../../src/shared/contracts/app';
import type { TerminalView } from '../../../src/shared/contracts/terminals';
import { killApp, startApp, type AppProcess } from '../../support/app-process';
import { makeRepo } from '../../support/git';
import { until, waitUntil } from '../../support/wait';
import { ensureHostBuilt } from '../host/helpers';

/** A plain shell with a short prompt, so what the tests read is predictable. */
const SHELL = { SHELL: '/bin/sh', PS1: '$ ', ENV: '' };

export class TermApp {
  readonly base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-termapp-')));
  readonly dataDir = join(this.base, 'data');
  readonly repo: string;
  // Always 43 characters: Baton refuses a token under 32 (a random suffix of varying length once made it 31).
  readonly token = `term-token-${randomBytes(16).toString('hex')}`;
  app: AppProcess | null = null;
  projectId = '';

  constructor() {
    ensureHostBuilt();
    mkdirSync(join(this.base, 'repo'));
    this.repo = makeRepo(join(this.base, 'repo'));
  }

  async start(env: Record<string, string> = {}): Promise<AppProcess> {
    const app = await startApp({ dataDir: this.dataDir, token: this.token, env: { ...SHELL, BATON_DEBUG_POINT: '', ...env } });
    this.app = app;
    await waitUntil(() => app.call<AppStatus>('app.status', {}), (s) => s.recovery.lastReconcile !== null && !s.recovery.reconciling, 30_000, 'the startup reconcile');
    return app;
  }

  call<T>(name: string, input: unknown): Promise<T> {
    if (!this.app) throw new Error('the app is not running');
    return this.app.call<T>(name, input);
  }

  async addProject(): Promise<string> {
    const { project } = await this.call<{ project: { id: string } }>('projects.add', { path: this.repo });
    this.projectId = project.id;
    return project.id;
  }

  /** SIGKILL main, as kill -9 would. */
  async crash(): Promise<void> {
    const app = this.app;
    this.app = null;
    if (app) await killApp(app, 'SIGKILL');
  }

  get(id: string): Promise<TerminalView> {
    return this.call<TerminalView>('terminals.get', { id });
  }

  async scrollback(id: string): Promise<string> {
    return (await this.call<{ data: string }>('terminals.scrollback', { id })).data;
  }

  /** Waits until the terminal's scrollback holds `text`. */
  async waitOutput(id: string, text: string, ms = 15_000): Promise<string> {
    return waitUntil(() => this.scrollback(id), (d) => d.includes(text), ms, `"${text}" in terminal ${id}`, 100);
  }

  hostPid(id: string): number | null {
    try {
      return (JSON.parse(readFileSync(join(this.dataDir, 'terminals', id, 'host.json'), 'utf8')) as { pid: number }).pid;
    } catch {
      return null;
    }
  }

  /** Every terminal host of this data dir is killed (SIGTERM: it reaps its shell), then the app ends. */
  async cleanup(): Promise<void> {
    const dir = join(this.dataDir, 'terminals');
    let ids: string[];
    try {
      ids = readdirSync(dir);
    } catch {
      ids = [];
    }
    const pids = ids.map((id) => this.hostPid(id)).filter((p): p is number => p !== null);
    for (const p of pids) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        // Gone already.
      }
    }
    await until(() => pids.every((p) => !isPidAlive(p)), 'every terminal host to end', 10_000);
    if (this.app) await killApp(this.app, 'SIGTERM');
    rmSync(this.base, { recursive: true, force: true });
  }
}
