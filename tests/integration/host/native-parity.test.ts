/**
 * The native session host (native/host, ADR 0034) against the Node host it ports, on the same awkward input:
 * stdout lines that are and are not JSON objects (deep nesting, bad UTF-8, CRLF, an oversized one, a last one
 * without a newline), stderr with secrets and long lines, and sends from main that are refused or re-lined.
 * Both must leave the same journal (byte for byte, but for times and pids), the same agent.log, forward the same
 * lines to the agent and refuse the same sends with the same words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLogLine, JournalRecord } from '../../../src/main/host/protocol';
import { isPidAlive } from '../../../src/main/host/proc';
import { findNativeHost } from '../../../src/main/runtime/host-runtime';
import { launchHost } from '../../../src/main/runtime/launch';
import { until } from '../../support/wait';
import { ensureHostBuilt, HOST_SCRIPT, root, World } from './helpers';

const AGENT = join(root, 'tests/integration/host/fixtures/parity-agent.mjs');
const SECRET = 'parity-secret-value-42';
/** Many secrets: a host that redacted only the first few would leak the last one. */
const MANY = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`PARITY_MANY_${i}`, `many-secret-${String(i).padStart(2, '0')}`]));
// Built before the check below: the suite must not skip just because this run is the first to need the binary.
ensureHostBuilt();
const native = findNativeHost('option');

interface Run {
  journal: string[];
  agentLog: Array<Pick<AgentLogLine, 'n' | 'text'>>;
  received: string[];
  refusals: Array<{ code: string; message: string }>;
  live: JournalRecord[];
}

/** What may differ between two runs: times, pids, and which host wrote the started record. */
function normalize(line: string): string {
  const r = JSON.parse(line) as JournalRecord & { msg: Record<string, unknown> };
  if (r.dir !== 'host') return line.replace(/^(\{"v":1,"seq":\d+,)"ts":\d+,/, '$1"ts":0,');
  const msg = { ...r.msg };
  if (msg.started) msg.started = { ...(msg.started as object), pid: 0 };
  if (msg.exit) Object.assign(msg, { hostPid: 0, reaped: [] });
  return JSON.stringify({ ...r, ts: 0, msg });
}

async function run(w: World, runtime: 'node' | 'native'): Promise<Run> {
  const id = `parity-${runtime}`;
  const received = join(w.base, `received-${runtime}.json`);
  const launched = await launchHost({
    sessionId: id,
    dataDir: w.dataDir,
    cwd: w.cwd,
    command: process.execPath,
    args: [AGENT],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PARITY_SECRET: SECRET, PARITY_RECEIVED: received, ...MANY },
    secretEnv: ['PARITY_SECRET', ...Object.keys(MANY)],
    runtime,
    hostScript: HOST_SCRIPT,
  });
  if (!launched.ok) throw new Error(`${runtime}: ${launched.error.message}`);
  w.hostPids.add(launched.value.pid);
  const conn = await w.connect(launched.value);
  const refusals: Run['refusals'] = [];
  conn.onHostError((e) => refusals.push(e));
  const live: JournalRecord[] = [];
  await conn.attach(0, (r) => live.push(r));
  await until(() => live.some((r) => (r.msg as { marker?: string }).marker === 'stdout-done'), `${runtime}: the agent's stdout journaled`, 20_000);
  const sends = ['{"jsonrpc":"2.0","id":1,"method":"x"}', '{\n  "pretty": [1, 2],\r\n  "s": "a b"\n}', '[1]', 'nope', '{"s":"é😀 \\u00e9"}', `{"big":"${'b'.repeat(8 * 1024 * 1024)}"}`];
  for (const s of sends) conn.send(s);
  await until(() => refusals.length >= 3, `${runtime}: three sends refused`, 20_000);
  conn.send('{"exit":true}');
  expect(await conn.closed).toBe('exited');
  await until(() => !isPidAlive(launched.value.pid), `${runtime}: the host ended`, 20_000);
  const dir = w.sessionDir(id);
  const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map(normalize);
  const agentLog = readFileSync(join(dir, 'agent.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AgentLogLine)
    .map(({ n, text }) => ({ n, text }));
  return { journal, agentLog, received: JSON.parse(readFileSync(received, 'utf8')) as string[], refusals, live };
}

describe.skipIf(!native.ok)('the native session host matches the Node host', () => {
  const w = new World();
  let node: Run;
  let nat: Run;
  beforeAll(async () => {
    node = await run(w, 'node');
    nat = await run(w, 'native');
  }, 120_000);
  afterAll(() => w.cleanup());

  it('journals the same records, byte for byte but for times and pids', () => {
    expect(nat.journal.length).toBeGreaterThan(40);
    for (let i = 0; i < Math.max(node.journal.length, nat.journal.length); i++) expect(nat.journal[i], `record ${i + 1}`).toBe(node.journal[i]);
  });

  it('streams to main what it journaled', () => {
    expect(nat.live.map((r) => r.seq)).toEqual(node.live.map((r) => r.seq));
  });

  it('keeps the same agent.log, secrets redacted, long lines cut', () => {
    expect(nat.agentLog).toEqual(node.agentLog);
    expect(JSON.stringify(nat.agentLog)).not.toContain(SECRET);
    expect(JSON.stringify(nat.agentLog)).not.toContain(MANY.PARITY_MANY_69);
    expect(nat.agentLog.some((l) => l.text.includes('[secret PARITY_MANY_69]'))).toBe(true);
    expect(nat.agentLog.some((l) => l.text.includes('[secret PARITY_SECRET]'))).toBe(true);
  });

  it('forwards the same lines to the agent and refuses the same sends', () => {
    expect(nat.received).toEqual(node.received);
    expect(nat.received).toContain('{"pretty":[1,2],"s":"a b"}');
    expect(nat.refusals).toEqual(node.refusals);
  });
});

if (!native.ok) console.log(`native-parity: skipped, ${native.error.message}`);
