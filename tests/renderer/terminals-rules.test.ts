import { describe, expect, it } from 'vitest';
import type { TerminalView } from '../../src/shared/contracts/terminals';
import { terminalsAt, terminalStateLabel, terminalsSummary, unseenPart } from '../../src/renderer/src/features/terminals/terminals';

const t = (over: Partial<TerminalView>): TerminalView => ({
  id: 'x',
  projectId: 'p',
  worktreeId: null,
  cwd: '/repo',
  title: 'main · 1',
  kind: 'shell',
  state: 'running',
  exitCode: null,
  stateDetail: null,
  unreachable: null,
  cols: 80,
  rows: 24,
  ports: [],
  createdAt: '',
  updatedAt: '',
  ...over,
});

describe('terminal rules (renderer)', () => {
  it('shows each byte of the stream once: a repeat is dropped, an overlap with the scrollback keeps only its tail', () => {
    expect(unseenPart({ at: 0, end: 5, data: 'hello' }, 5)).toBe('');
    expect(unseenPart({ at: 5, end: 8, data: 'abc' }, 5)).toBe('abc');
    expect(unseenPart({ at: 3, end: 8, data: 'loabc' }, 5)).toBe('abc');
    // Multi-byte text: offsets are bytes, so "é" (2 bytes) before the cut is not shown again.
    expect(unseenPart({ at: 0, end: 4, data: 'éxy' }, 2)).toBe('xy');
  });

  it("picks a checkout's terminals: a worktree by id, a session's by its folder", () => {
    const list = [t({ id: 'a' }), t({ id: 'b', worktreeId: 'w1', cwd: '/wt/one' }), t({ id: 'c', worktreeId: 'w1', cwd: '/wt/one/src' }), t({ id: 'd', worktreeId: 'w2', cwd: '/wt/one-two' })];
    expect(terminalsAt(list, { projectId: 'p', worktreeId: null }).map((x) => x.id)).toEqual(['a']);
    expect(terminalsAt(list, { projectId: 'p', worktreeId: 'w1' }).map((x) => x.id)).toEqual(['b', 'c']);
    expect(terminalsAt(list, { projectId: 'p', worktreeId: null, sessionId: 's', root: '/wt/one' }).map((x) => x.id)).toEqual(['b', 'c']);
  });

  it('labels states with the exit code when there is one', () => {
    expect(terminalStateLabel({ state: 'exited', exitCode: 2 })).toBe('exited (2)');
    expect(terminalStateLabel({ state: 'exited', exitCode: null })).toBe('exited');
    expect(terminalStateLabel({ state: 'lost', exitCode: null })).toBe('lost');
    // Running on an SSH destination that cannot be reached now: it runs on there, and the tab says so.
    expect(terminalStateLabel(t({ state: 'running', unreachable: 'devbox is unreachable (closed).' }))).toBe('disconnected');
    expect(terminalStateLabel(t({ state: 'running' }))).toBe('running');
  });

  it("sums up a session's terminals for its card, saying when one is lost", () => {
    expect(terminalsSummary([])).toBeNull();
    expect(terminalsSummary([{ state: 'running' }, { state: 'running' }])).toEqual({ text: '2 terminals running', lost: false });
    expect(terminalsSummary([{ state: 'running' }, { state: 'lost' }])).toEqual({ text: '1 terminal running · 1 lost', lost: true });
    expect(terminalsSummary([{ state: 'exited' }])).toEqual({ text: '1 exited terminal', lost: false });
  });
});
