import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isPidAlive, processStartTime } from '../host/proc';
import { privateUmask, secureDataDir } from './data-dir';
import { registerInstance, unregisterInstance } from './instance-registry';
import { useGitRunner } from '../git/exec';
import { createSpawner } from '../runtime/spawner';

/**
 * One Baton per data dir (ADR 0011). Each process that wants the data dir puts
 * an entry named for itself (pid + start time) in `<dataDir>/baton.lock/`,
 * then lists the directory: it holds the data dir only if no other live entry
 * is there. Two starting at once each see the other (each wrote before it
 * listed), both step back and retry after a random pause; a process killed
 * with -9 leaves an entry whose pid or start time no longer matches, which
 * anyone may delete because a dead entry never comes back to life.
 */
export const INSTANCE_DIR_NAME = 'baton.lock';
export const instanceDir = (dataDir: string): string => join(dataDir, INSTANCE_DIR_NAME);

export const InstanceKind = z.enum(['browser', 'electron', 'cli']);
export type InstanceKind = z.infer<typeof InstanceKind>;

export const InstanceRecord = z.object({
  v: z.literal(1),
  pid: z.number().int().positive(),
  startTime: z.string(),
  kind: InstanceKind,
  /** `claiming` while the process checks for others; only a `running` entry holds the data dir. */
  state: z.enum(['claiming', 'running']),
  version: z.string(),
  dataDir: z.string(),
  /** Browser mode's address without its token (the token is never written here). */
  url: z.string().optional(),
  controlSocket: z.string().optional(),
});
export type InstanceRecord = z.infer<typeof InstanceRecord>;

export interface InstanceLock {
  record(): InstanceRecord;
  /** Adds what becomes known after the claim (the URL, the control socket); rewritten whole. */
  update(patch: Pick<InstanceRecord, 'url' | 'controlSocket'>): void;
  release(): void;
}

const ATTEMPTS = 40;

const entryName = (pid: number, startTime: string): string => `${pid}-${createHash('sha256').update(startTime).digest('hex').slice(0, 12)}.json`;

/** A synchronous pause: the claim runs before anything else in the process, and Electron's main creates its core synchronously. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isLive(r: Pick<InstanceRecord, 'pid' | 'startTime'>): boolean {
  return isPidAlive(r.pid) && processStartTime(r.pid) === r.startTime;
}

/** Whole or not at all: a reader never sees half an entry. */
function writeEntry(path: string, rec: InstanceRecord): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(rec) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

function readEntry(path: string): InstanceRecord | null {
  try {
    const parsed = InstanceRecord.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

interface Entry {
  name: string;
  record: InstanceRecord | null;
}

function listEntries(dir: string): Entry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json')).map((name) => ({ name, record: readEntry(join(dir, name)) }));
}

/** Another process's live entries; dead ones (and leftovers of a crash mid-write) are deleted on the way. */
function othersLive(dir: string, mine: string): InstanceRecord[] {
  const live: InstanceRecord[] = [];
  for (const e of listEntries(dir)) {
    if (e.name === mine) continue;
    // Unreadable: renamed in whole, so only a foreign file; ignored rather than trusted.
    if (!e.record) continue;
    if (isLive(e.record)) live.push(e.record);
    else rmSync(join(dir, e.name), { force: true });
  }
  for (const n of safeReaddir(dir)) {
    if (!n.endsWith('.tmp')) continue;
    const pid = Number(n.split('-')[0]);
    if (!isPidAlive(pid)) rmSync(join(dir, n), { force: true });
  }
  return live;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The Baton running on this data dir, as its entry says; null when none is. Reads only. */
export function runningInstance(dataDir: string): InstanceRecord | null {
  for (const e of listEntries(instanceDir(dataDir))) {
    if (e.record?.state === 'running' && isLive(e.record)) return e.record;
  }
  return null;
}

export type Claim = { ok: true; lock: InstanceLock } | { ok: false; holder: InstanceRecord | null; message: string };

/**
 * Takes the data dir for this process, before the database is opened. Fails
 * with the running holder's record when another Baton has it.
 */
export function claimInstance(dataDir: string, opts: { kind: InstanceKind; version: string }): Claim {
  const dir = instanceDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const startTime = processStartTime(process.pid);
  if (startTime === null) return { ok: false, holder: null, message: `cannot read this process's start time, so ${dataDir} cannot be locked safely` };
  const name = entryName(process.pid, startTime);
  const path = join(dir, name);
  let rec: InstanceRecord = { v: 1, pid: process.pid, startTime, kind: opts.kind, state: 'claiming', version: opts.version, dataDir };
  let lastSeen: InstanceRecord | null = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    writeEntry(path, rec);
    const others = othersLive(dir, name);
    if (others.length === 0) {
      rec = { ...rec, state: 'running' };
      writeEntry(path, rec);
      return { ok: true, lock: lockOf(path, () => rec, (r) => (rec = r)) };
    }
    rmSync(path, { force: true });
    const holder = others.find((o) => o.state === 'running');
    if (holder) return { ok: false, holder, message: describeHolder(holder) };
    lastSeen = others[0] ?? null;
    // Only claimers, none holding yet: all step back; a random pause lets one of them through first.
    pause(10 + Math.floor(Math.random() * 40 * (1 + Math.min(attempt, 5))));
  }
  return { ok: false, holder: lastSeen, message: `another process keeps claiming ${dataDir}${lastSeen ? ` (pid ${lastSeen.pid})` : ''}; try again` };
}

function lockOf(path: string, get: () => InstanceRecord, set: (r: InstanceRecord) => void): InstanceLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    unregisterInstance(get().dataDir);
    // Only our own entry: after a release nothing here is ours any more.
    if (readEntry(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  // A normal exit that skipped close() still frees the data dir at once; a kill -9 leaves a dead entry for the next claimer.
  process.on('exit', release);
  // A `baton` command's brief hold is not worth finding: it is gone before anyone looks.
  if (get().kind !== 'cli') registerInstance(get());
  return {
    record: get,
    update(patch) {
      if (released) return;
      const next = { ...get(), ...patch };
      set(next);
      writeEntry(path, next);
    },
    release,
  };
}

const KIND_LABEL: Record<InstanceKind, string> = { browser: 'browser mode', electron: 'the desktop app', cli: 'a `baton` command' };

/** One line naming the holder: pid, what it is, and its address in browser mode (never the token). */
export function describeHolder(h: InstanceRecord): string {
  const where = h.url ? ` at ${h.url}` : '';
  return `Baton is already running on ${h.dataDir} (pid ${h.pid}, ${KIND_LABEL[h.kind]}${where})`;
}

/** What a second app prints before it exits. */
export function alreadyRunningLine(claim: Extract<Claim, { ok: false }>): string {
  if (claim.holder?.state === 'running') {
    const next = claim.holder.kind === 'cli' ? 'wait for that command to finish, then start again' : 'use that one, or stop it first';
    return `baton: ${claim.message}; ${next}.`;
  }
  return `baton: ${claim.message}.`;
}

/**
 * What every entry point does before it opens the database: a private umask,
 * a private data dir, then the claim. On failure, the one line to print.
 */
export function takeDataDir(
  dataDir: string,
  opts: { kind: InstanceKind; version: string },
): { ok: true; lock: InstanceLock } | { ok: false; reason: 'unsafe' | 'taken'; line: string } {
  privateUmask();
  const secured = secureDataDir(dataDir);
  if (!secured.ok) return { ok: false, reason: 'unsafe', line: `baton: ${secured.error.message}` };
  const c = claimInstance(dataDir, opts);
  if (!c.ok) return { ok: false, reason: 'taken', line: alreadyRunningLine(c) };
  // This process runs git from now on through the spawner (ADR 0030), started under the umask it had before.
  useGitRunner(createSpawner());
  return c;
}
