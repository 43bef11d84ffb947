/** One remote-host test's world: a loopback sshd, a link to it, Baton installed on its remote home, and the HostPort over it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalRecord } from '../../../src/shared/journal';
import { bootstrapRemote, type RemoteInstall } from '../../../src/main/runtime/ssh/bootstrap';
import { readHostBundle } from '../../../src/main/runtime/ssh/bundle';
import { createSshHostPort, type SshHostPort, type SshHostPortOptions } from '../../../src/main/runtime/ssh/host-port';
import { SshLink } from '../../../src/main/runtime/ssh/link';
import type { HostLink } from '../../../src/main/sessions/host-port';
import { afterAll, beforeAll } from 'vitest';
import { buildOnce } from '../../support/build';
import { HOST_ALIAS, startSshd, type Sshd } from '../../support/sshd';
import { msgOf, root, World } from '../host/helpers';

export class RemoteWorld {
  readonly w = new World();
  private constructor(
    readonly sshd: Sshd,
    readonly link: SshLink,
    readonly install: RemoteInstall,
  ) {}

  static async start(): Promise<RemoteWorld> {
    const sshd = await startSshd();
    const link = new SshLink({ destination: HOST_ALIAS, configFile: sshd.configPath, controlDir: sshd.controlDir }, [100, 200, 400, 800]);
    const c = await link.connect();
    if (!c.ok) throw new Error(c.error.message);
    const bundle = readHostBundle(join(root, 'out/main'), '0.0.0-test');
    if (!bundle.ok) throw new Error(bundle.error.message);
    const install = await bootstrapRemote(link, bundle.value, [process.execPath]);
    if (!install.ok) throw new Error(install.error.message);
    return new RemoteWorld(sshd, link, install.value);
  }

  port(extra: Partial<SshHostPortOptions> = {}): SshHostPort {
    return createSshHostPort({ link: this.link, install: this.install, ...extra });
  }

  /** The remote journal read straight from its file (the remote is this machine): what the host wrote, independent of Baton's reading of it. */
  journalOnDisk(sessionId: string): JournalRecord[] {
    const text = readFileSync(join(this.install.dataDir, 'sessions', sessionId, 'journal.jsonl'), 'utf8');
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JournalRecord);
  }

  async cleanup(): Promise<void> {
    this.w.cleanup();
    await this.link.close();
    await this.sshd.stop();
  }
}

/** A JSON-RPC client over the domain's HostLink: records in arrival order, request/response by id. */
export class LinkPeer {
  readonly records: JournalRecord[] = [];
  closed = false;
  private n = 0;
  private readonly prefix = `r${Math.random().toString(36).slice(2, 8)}`;

  constructor(readonly link: HostLink) {
    link.onClose(() => (this.closed = true));
  }

  attach(fromSeq = 0): void {
    void this.link.attach(fromSeq, (r) => this.records.push(r));
  }

  send(method: string, params: unknown): string {
    const id = `${this.prefix}-${++this.n}`;
    this.link.send({ jsonrpc: '2.0', id, method, params });
    return id;
  }

  response(id: string): JournalRecord | undefined {
    return this.records.find((r) => r.dir === 'in' && msgOf(r).id === id && msgOf(r).method === undefined);
  }
}

/** A prompt went out and nothing answered it: the journal's own account of an open turn. */
export function turnOpen(records: JournalRecord[]): boolean {
  const prompts = records.filter((r) => r.dir === 'out' && msgOf(r).method === 'session/prompt');
  const last = prompts.at(-1);
  if (!last) return false;
  const id = msgOf(last).id;
  return !records.some((r) => r.seq > last.seq && r.dir === 'in' && msgOf(r).id === id && msgOf(r).method === undefined);
}

/**
 * A real sshd for a whole test file, with BATON_SSH_CONFIG pointing every core the file
 * creates at it (read when a core starts: its ssh never touches ~/.ssh); restored after.
 */
export function useSshdForCores(): { readonly sshd: Sshd } {
  let sshd: Sshd | null = null;
  const saved = process.env.BATON_SSH_CONFIG;
  beforeAll(async () => {
    buildOnce();
    sshd = await startSshd();
    process.env.BATON_SSH_CONFIG = sshd.configPath;
  }, 180_000);
  afterAll(async () => {
    if (saved === undefined) delete process.env.BATON_SSH_CONFIG;
    else process.env.BATON_SSH_CONFIG = saved;
    await sshd?.stop();
  });
  return {
    get sshd(): Sshd {
      if (!sshd) throw new Error('the sshd is not started yet (use it inside a test or a hook)');
      return sshd;
    },
  };
}
