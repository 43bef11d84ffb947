/** Real terminal hosts for tests: a data dir, launches through the runtime's port, and cleanup of every host started. */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPidAlive } from '../../../src/main/host/proc';
import { createTerminalHostPort } from '../../../src/main/runtime/terminal-port';
import type { TerminalHostInfo, TerminalLink } from '../../../src/main/terminals/host-port';
import { until } from '../../support/wait';
import { ensureHostBuilt } from '../host/helpers';

/** A plain shell with a fixed prompt, so output is predictable. */
export const SHELL_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', PS1: '$ ', LANG: 'C.UTF-8' };

export class TermWorld {
  readonly base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-term-')));
  readonly dataDir = join(this.base, 'data');
  readonly port = createTerminalHostPort();
  private readonly hosts: TerminalHostInfo[] = [];
  private readonly links: TerminalLink[] = [];

  constructor() {
    ensureHostBuilt();
  }

  async open(id: string, opts: { cols?: number; rows?: number; command?: string; args?: string[] } = {}): Promise<{ info: TerminalHostInfo; link: TerminalLink; screen: Screen }> {
    const launched = await this.port.launch({ terminalId: id, dataDir: this.dataDir, cwd: this.base, command: opts.command ?? '/bin/sh', args: opts.args ?? [], env: SHELL_ENV, cols: opts.cols ?? 80, rows: opts.rows ?? 24 });
    if (!launched.ok) throw new Error(`launch failed: ${launched.error.message}`);
    this.hosts.push(launched.value);
    const attached = await this.attach(id, launched.value);
    // Typing before the first prompt would put the prompt in front of the command's output on one line.
    if (!opts.command) await attached.screen.waitFor('$ ', 'the first prompt');
    return { info: launched.value, ...attached };
  }

  async attach(id: string, info: TerminalHostInfo | null, from = 0): Promise<{ link: TerminalLink; screen: Screen }> {
    const c = await this.port.connect(id, this.dataDir, info);
    if (!c.ok) throw new Error(`connect failed: ${c.error.message}`);
    const screen = new Screen();
    await c.value.link.attach(from, (at, end, data) => screen.push(at, end, data));
    this.links.push(c.value.link);
    return { link: c.value.link, screen };
  }

  async cleanup(): Promise<void> {
    for (const l of this.links) l.detach();
    for (const h of this.hosts) {
      try {
        process.kill(h.pid, 'SIGTERM');
      } catch {
        // Gone already.
      }
    }
    await until(() => this.hosts.every((h) => !isPidAlive(h.pid)), 'every terminal host to end', 10_000);
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** What a client has seen: the stream's text and where it ends. */
export class Screen {
  text = '';
  end = 0;
  push(_at: number, end: number, data: string): void {
    this.text += data;
    this.end = end;
  }
  /** Waits for `pattern` to appear after the text seen so far (or anywhere, with from = 0). */
  async waitFor(pattern: RegExp | string, what = String(pattern), ms = 10_000): Promise<void> {
    const has = (): boolean => (typeof pattern === 'string' ? this.text.includes(pattern) : pattern.test(this.text));
    await until(has, `${what} in the terminal (so far: ${JSON.stringify(this.text.slice(-300))})`, ms);
  }
}
