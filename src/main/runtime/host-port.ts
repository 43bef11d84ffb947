import { fail, ok, type Result } from '../../shared/result';
import { readAgentLogTail } from '../host/agent-log';
import { sessionDir } from '../host/paths';
import type { HostInfo, HostLink, HostPort, LaunchOptions } from '../sessions/host-port';
import { connectHost, type HostConnection } from './connection';
import { appendHostRecord, readJournal, sessionJournalPath } from './journal';
import { readJournalTailAndLines } from './journal-tail';
import { launchHost, type LaunchHostOptions } from './launch';
import { processLiveness, readHostFile } from '../host/liveness';
import { stopOrphanHost } from './orphan';

export const identityOf = (i: HostInfo): HostInfo => ({ pid: i.pid, startTime: i.startTime, nonce: i.nonce, socket: i.socket });

/** The domain's HostLink over one host connection, local or through ssh. */
export function linkOf(conn: HostConnection): HostLink {
  return {
    attach: (fromSeq, onRecord) => conn.attach(fromSeq, onRecord),
    send: (msg) => conn.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
    stop: async (graceMs) => {
      await conn.stop(graceMs);
    },
    detach: () => conn.close(),
    onClose: (cb) => conn.onClose(() => cb()),
    onAgentLog: (cb) => conn.onAgentLog(cb),
  };
}

/** The sessions domain's HostPort, over real host processes; without a `runtime`, each launch takes BATON_HOST_RUNTIME's (launch.ts). */
export function createHostPort(defaults: Pick<LaunchHostOptions, 'runtime' | 'hostScript' | 'readyTimeoutMs' | 'fsyncIntervalMs'> = {}): HostPort {
  return {
    async launch(opts: LaunchOptions): Promise<Result<HostInfo>> {
      await stopOrphanHost(opts.dataDir, opts.sessionId);
      const r = await launchHost({ ...defaults, ...opts });
      return r.ok ? ok(identityOf(r.value)) : r;
    },

    async connect(sessionId, dataDir, expected) {
      const onDisk = readHostFile(sessionDir(dataDir, sessionId));
      // The database's record of the host wins; host.json naming another host means the one we knew is gone.
      if (expected && onDisk && (onDisk.pid !== expected.pid || onDisk.nonce !== expected.nonce)) {
        return fail('host_gone', `The session host ${expected.pid} was replaced by ${onDisk.pid}.`);
      }
      const target = expected ?? onDisk;
      if (!target) return fail('host_gone', `Session ${sessionId} has no host.`);
      const r = await connectHost(identityOf(target));
      if (!r.ok) return r;
      return ok({ info: identityOf(target), link: linkOf(r.value) });
    },

    liveness: async (_sessionId, _dataDir, host) => (processLiveness(host).alive ? 'alive' : 'gone'),

    journalFile: (sessionId, dataDir) => sessionJournalPath(dataDir, sessionId),

    async readJournal(sessionId, dataDir, fromSeq = 0, throughSeq = Number.MAX_SAFE_INTEGER) {
      const r = readJournal(sessionJournalPath(dataDir, sessionId), fromSeq);
      return ok({ records: r.records.filter((x) => x.seq <= throughSeq), diagnostics: r.diagnostics.map((d) => d.message) });
    },

    readAgentLog: async (sessionId, dataDir, maxBytes) => ok(readAgentLogTail(sessionDir(dataDir, sessionId), maxBytes)),
    journalTail: async (sessionId, dataDir, check) => ok(readJournalTailAndLines(sessionJournalPath(dataDir, sessionId), check)),

    async appendMarker(sessionId, dataDir, msg) {
      const r = appendHostRecord(dataDir, sessionId, msg);
      return r.ok ? ok(r.value.seq) : r;
    },
  };
}
