import { describe, expect, it } from 'vitest';
import type { InboxItem } from '../../../src/shared/contracts/inbox';
import { desktopNotifications, focusSteps, notificationOptions, type NotifyMoment } from '../../../src/main/electron/notify-decide';

const item = (sessionId: string, projectId = 'p1', reason: InboxItem['reason'] = 'permission'): InboxItem => ({
  sessionId,
  projectId,
  title: `Session ${sessionId}`,
  role: 'worker',
  reason,
  action: reason === 'permission' ? 'answer' : 'open',
  summary: 'Shell: make build',
  since: '2026-12-07T10:00:00.000Z',
  request: null,
});

const a = item('a', 'p1');
const b = item('b', 'p2');
const moment = (over: Partial<NotifyMoment>): NotifyMoment => ({ before: [], after: [a, b], supported: true, windowFocused: false, mutedProjectIds: new Set(), ...over });

describe('desktop notifications: which items', () => {
  const cases: [string, Partial<NotifyMoment>, string[]][] = [
    ['new items while the window is not focused', {}, ['a', 'b']],
    ['nothing for the first inbox after a start', { before: null }, []],
    ['nothing where the system shows none', { supported: false }, []],
    ['nothing while the person looks at the window', { windowFocused: true }, []],
    ['nothing already shown', { before: [a] }, ['b']],
    ['nothing of a muted project', { mutedProjectIds: new Set(['p2']) }, ['a']],
    ['nothing when every project is muted', { mutedProjectIds: new Set(['p1', 'p2']) }, []],
    ['a muted project that is not in the inbox changes nothing', { mutedProjectIds: new Set(['p9']) }, ['a', 'b']],
  ];
  for (const [name, over, expected] of cases) {
    it(name, () => expect(desktopNotifications(moment(over)).map((i) => i.sessionId)).toEqual(expected));
  }
});

describe('desktop notifications: the sound and the click', () => {
  it('is silent unless the sound setting is on', () => {
    expect(notificationOptions(a, false)).toEqual({ title: 'Session a asks for permission', body: 'Shell: make build', silent: true });
    expect(notificationOptions(a, true).silent).toBe(false);
  });

  it('brings the window forward whatever state it is in', () => {
    expect(focusSteps({ exists: true, minimized: false, visible: true })).toEqual(['focus']);
    expect(focusSteps({ exists: true, minimized: true, visible: true })).toEqual(['restore', 'focus']);
    expect(focusSteps({ exists: true, minimized: false, visible: false })).toEqual(['show', 'focus']);
    expect(focusSteps({ exists: true, minimized: true, visible: false })).toEqual(['restore', 'show', 'focus']);
    // macOS keeps running with every window closed: one is made.
    expect(focusSteps({ exists: false, minimized: false, visible: false })).toEqual(['create', 'focus']);
  });
});
