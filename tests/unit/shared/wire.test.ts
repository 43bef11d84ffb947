import { describe, expect, it } from 'vitest';
import { ClientFrame, ServerFrame } from '../../../src/shared/wire';

describe('wire frames', () => {
  it('parses every server frame kind', () => {
    expect(ServerFrame.safeParse({ t: 'hello', v: 1, serverId: 'x' }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'result', id: 1, ok: true, value: [1] }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'result', id: 1, ok: false, error: { code: 'a', message: 'b' } }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'event', name: 'a.b', payload: {} }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'result', id: 1, ok: false }).success).toBe(false);
  });
  it('rejects client frames without a token on calls', () => {
    expect(ClientFrame.safeParse({ t: 'call', id: 1, name: 'a.b', input: {} }).success).toBe(false);
    expect(ClientFrame.safeParse({ t: 'sub', name: 'a.b' }).success).toBe(true);
  });
});
