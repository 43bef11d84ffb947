import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentLogOldPath, agentLogPath, AgentLogWriter, readAgentLogTail, redactor } from '../../../src/main/host/agent-log';

/** The host's agent.log on real files: numbering, rotation, the tail a reader gets, and redaction. */
const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-agent-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('agent.log', () => {
  it('numbers lines from 1 and goes on from the last number a previous host left', () => {
    const d = dir();
    const w = new AgentLogWriter(d);
    expect([w.append('one'), w.append('two')].map((l) => l.n)).toEqual([1, 2]);
    w.close();
    const again = new AgentLogWriter(d);
    expect(again.append('three').n).toBe(3);
    again.close();
    expect(readAgentLogTail(d)).toMatchObject({ lines: [{ n: 1, text: 'one' }, { n: 2, text: 'two' }, { n: 3, text: 'three' }], truncated: false });
  });

  it('rotates past keepBytes of text: the newest keepBytes are always readable, the files stay bounded', () => {
    const d = dir();
    const w = new AgentLogWriter(d, 1000);
    for (let i = 1; i <= 500; i++) w.append(`line ${i} ${'x'.repeat(40)}`);
    w.close();
    const tail = readAgentLogTail(d, 1000);
    expect(tail.truncated).toBe(true);
    expect(tail.lines.at(-1)?.n).toBe(500);
    expect(tail.lines.reduce((n, l) => n + l.text.length + 1, 0)).toBeLessThanOrEqual(1000);
    expect(tail.lines.reduce((n, l) => n + l.text.length + 1, 0)).toBeGreaterThan(900);
    expect(statSync(agentLogPath(d)).size + statSync(agentLogOldPath(d)).size).toBeLessThan(4 * 1000);
  });

  it('skips a line torn by a crash and keeps the ones around it', () => {
    const d = dir();
    const w = new AgentLogWriter(d);
    w.append('before');
    w.close();
    appendFileSync(agentLogPath(d), '{"n":2,"ts":1,"te');
    const w2 = new AgentLogWriter(d);
    w2.append('after');
    w2.close();
    expect(readAgentLogTail(d).lines.map((l) => l.text)).toEqual(['before', 'after']);
    expect(readFileSync(agentLogPath(d), 'utf8')).toContain('"te\n{');
  });

  it('replaces the values of the named secrets, longest first, and leaves short or unnamed values alone', () => {
    const r = redactor({ TOKEN: 'abcd1234', LONG: 'abcd1234-more', PIN: '12', PLAIN: 'visible-value' }, ['TOKEN', 'LONG', 'PIN']);
    expect(r('a abcd1234-more b abcd1234 c 12 visible-value')).toBe('a [secret LONG] b [secret TOKEN] c 12 visible-value');
    expect(redactor({}, [])('unchanged')).toBe('unchanged');
  });
});
