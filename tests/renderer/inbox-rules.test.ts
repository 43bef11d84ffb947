import { describe, expect, it } from 'vitest';
import type { InboxItem } from '../../src/shared/contracts/inbox';
import { moveSelection, mutedProjects, newItems, notificationText, titleWithCount } from '../../src/renderer/src/features/inbox/rules';

const item = (sessionId: string, reason: InboxItem['reason'], since = '2026-12-06T10:00:00.000Z'): InboxItem => ({
  sessionId,
  projectId: 'p',
  title: `Session ${sessionId}`,
  role: 'worker',
  reason,
  action: reason === 'permission' ? 'answer' : 'open',
  summary: 'Shell: make build',
  since,
  request: null,
});

describe('the inbox in the page', () => {
  it('titles the window with the count', () => {
    expect(titleWithCount(0)).toBe('Baton');
    expect(titleWithCount(2)).toBe('(2) Baton');
  });

  it('notifies about new items only, never about the session on screen', () => {
    const a = item('a', 'permission');
    expect(newItems([], [a], null)).toEqual([a]);
    expect(newItems([a], [a], null)).toEqual([]);
    // The same session asking again later is new again; a different reason is new.
    const again = item('a', 'permission', '2026-12-06T10:05:00.000Z');
    expect(newItems([a], [again], null)).toEqual([again]);
    expect(newItems([a], [item('a', 'review')], null)).toHaveLength(1);
    expect(newItems([], [a, item('b', 'failed')], 'a').map((i) => i.sessionId)).toEqual(['b']);
  });

  it('leaves muted projects out of notifications, not out of the inbox', () => {
    const mine = item('a', 'permission');
    const other = { ...item('b', 'failed'), projectId: 'q' };
    const muted = mutedProjects([
      { id: 'p', notificationsMuted: true },
      { id: 'q', notificationsMuted: false },
    ]);
    expect([...muted]).toEqual(['p']);
    expect(newItems([], [mine, other], null, muted)).toEqual([other]);
    expect(newItems([], [mine, other], null, mutedProjects([]))).toEqual([mine, other]);
    // Unmuted again: an item that arrived while muted is not raised afterwards (it is no longer new).
    expect(newItems([mine, other], [mine, other], null)).toEqual([]);
  });

  it('says who and why, then what', () => {
    expect(notificationText(item('a', 'permission'))).toEqual({ title: 'Session a asks for permission', body: 'Shell: make build' });
    expect(notificationText(item('a', 'review')).title).toBe('Session a finished a turn: changes to review');
  });

  it('j/k stay inside the list', () => {
    expect(moveSelection(0, -1, 3)).toBe(0);
    expect(moveSelection(2, 1, 3)).toBe(2);
    expect(moveSelection(1, 1, 3)).toBe(2);
    expect(moveSelection(5, 0, 2)).toBe(1);
    expect(moveSelection(0, 1, 0)).toBe(0);
  });
});
