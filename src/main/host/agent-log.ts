/**
 * The agent's stderr as its host keeps it (ADR 0025): numbered lines in
 * `agent.log`, rotated to `agent.log.1` past a size cap, so the newest
 * AGENT_LOG_KEEP_BYTES are always on disk and the two files never exceed
 * about twice that. Not the journal: stderr is a log, not the conversation.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentLogLine } from './protocol';

/** What a reader is promised: at least this much of the newest stderr text is on disk. */
export const AGENT_LOG_KEEP_BYTES = 256 * 1024;
/** One stderr line is cut here: a runaway line must not push every other line out of the log. */
export const AGENT_LOG_LINE_CHARS = 8 * 1024;

export const agentLogPath = (dir: string): string => join(dir, 'agent.log');
export const agentLogOldPath = (dir: string): string => join(dir, 'agent.log.1');

function readLines(path: string): AgentLogLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: AgentLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    try {
      const v: unknown = JSON.parse(raw);
      if (typeof v === 'object' && v !== null && 'n' in v && 'ts' in v && 'text' in v && typeof v.n === 'number' && typeof v.ts === 'number' && typeof v.text === 'string') out.push({ n: v.n, ts: v.ts, text: v.text });
    } catch {
      // A line torn by a crash mid-write: the lines around it still count.
    }
  }
  return out;
}

export interface AgentLogTail {
  lines: AgentLogLine[];
  /** Older lines exist (or existed) that are not in `lines`. */
  truncated: boolean;
}

/** The newest lines whose text adds up to at most maxBytes (always the newest one), oldest first. */
export function readAgentLogTail(dir: string, maxBytes = AGENT_LOG_KEEP_BYTES): AgentLogTail {
  const all = [...readLines(agentLogOldPath(dir)), ...readLines(agentLogPath(dir))];
  let bytes = 0;
  let start = all.length;
  while (start > 0) {
    const size = Buffer.byteLength((all[start - 1] as AgentLogLine).text) + 1;
    if (start < all.length && bytes + size > maxBytes) break;
    bytes += size;
    start--;
  }
  const lines = all.slice(start);
  return { lines, truncated: start > 0 || (lines[0]?.n ?? 1) > 1 };
}

/**
 * Replaces the values of the named environment variables (the project's
 * secrets) wherever a line repeats them: the log is shown in the app and
 * sent over the API, where a secret must never travel.
 */
export function redactor(env: Record<string, string>, names: readonly string[]): (line: string) => string {
  const secrets = names
    .map((name) => ({ name, value: env[name] ?? '' }))
    // Very short values would mangle ordinary words and hide nothing worth hiding.
    .filter((s) => s.value.length >= 4)
    .sort((a, b) => b.value.length - a.value.length);
  if (secrets.length === 0) return (line) => line;
  return (line) => secrets.reduce((l, s) => (l.includes(s.value) ? l.split(s.value).join(`[secret ${s.name}]`) : l), line);
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Appends numbered lines; numbering goes on from the files a previous host left, so a restart never reuses a number. */
export class AgentLogWriter {
  private fd: number | null = null;
  /** Text bytes in agent.log (not JSON bytes): rotation keeps keepBytes of text, as readers are promised. */
  private size = 0;
  private next: number;

  constructor(
    private readonly dir: string,
    private readonly keepBytes = AGENT_LOG_KEEP_BYTES,
  ) {
    const last = readAgentLogTail(dir, 0).lines.at(-1);
    this.next = (last?.n ?? 0) + 1;
  }

  /** Writes one line; returns it as written. A disk that fails loses log lines, never the agent. */
  append(text: string): AgentLogLine {
    const line: AgentLogLine = { n: this.next++, ts: Date.now(), text: text.length > AGENT_LOG_LINE_CHARS ? `${text.slice(0, AGENT_LOG_LINE_CHARS)}…` : text };
    try {
      if (this.fd === null) {
        const path = agentLogPath(this.dir);
        this.size = readLines(path).reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0);
        this.fd = openSync(path, 'a+', 0o600);
        // A line torn by a crash has no newline: the next one must not be glued to it.
        if (!endsWithNewline(this.fd)) writeSync(this.fd, '\n');
      }
      writeSync(this.fd, `${JSON.stringify(line)}\n`);
      this.size += Buffer.byteLength(line.text) + 1;
      if (this.size >= this.keepBytes) this.rotate();
    } catch {
      this.close();
    }
    return line;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** The full file becomes the old one; the older one (all of it older than keepBytes of text) goes. */
  private rotate(): void {
    this.close();
    renameSync(agentLogPath(this.dir), agentLogOldPath(this.dir));
    this.size = 0;
  }
}
