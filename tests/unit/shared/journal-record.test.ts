import { describe, expect, it } from 'vitest';
import { parseRecordLine } from '../../../src/main/host/journal-read';
import type { JournalRecord as HostRecord } from '../../../src/main/host/protocol';
import { JournalRecordSchema, type JournalRecord } from '../../../src/shared/journal';

/** True only when A and B are the same type (not merely assignable one way: an optional field or a wider union fails it). */
type Exactly<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Compiled by `npm run typecheck` (tsconfig.node.json includes tests/): the host keeps its own copy of the
// record type because it imports nothing from the app, and this line stops the two from drifting apart.
const sameType: Exactly<JournalRecord, HostRecord> = true;

describe('JournalRecord: one definition in src/shared, the host copy checked against it', () => {
  it('has the host copy equal to the type read from the schema', () => {
    expect(sameType).toBe(true);
  });

  it('parses with the shared schema every line the host reader accepts, unchanged', () => {
    const lines = [
      { v: 1, seq: 1, ts: 1_700_000_000_000, dir: 'out', msg: { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} } },
      { v: 1, seq: 2, ts: 1_700_000_000_001, dir: 'in', msg: { jsonrpc: '2.0', id: 1, result: {} } },
      { v: 1, seq: 3, ts: 1_700_000_000_002, dir: 'host', msg: { exit: { code: 0, signal: null }, stderrTail: [], cause: 'exited', reaped: [] } },
    ];
    for (const line of lines) {
      const read = parseRecordLine(JSON.stringify(line));
      expect(read).not.toBeNull();
      expect(JournalRecordSchema.parse(read)).toEqual(read);
    }
  });
});
