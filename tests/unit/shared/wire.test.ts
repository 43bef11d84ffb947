import { describe, expect, it } from 'vitest';
import { AuthFrame, ClientFrame, ServerFrame } from '../../../src/shared/wire';

describe('wire frames', () => {
  it('parses every server frame kind', () => {
    expect(ServerFrame.safeParse({ t: 'hello', v: 1, serverId: 'x' }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'result', id: 1, ok: true, value: [1] }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'result', id: 1, ok: false, error: { code: 'a', message: 'b' } }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'event', name: 'a.b', payload: {} }).success).toBe(true);
    expect(ServerFrame.safeParse({ t: 'result', id: 1, ok: false }).success).toBe(false);
  });
  it('takes the token in the auth frame only', () => {
    expect(AuthFrame.safeParse({ t: 'auth', token: 'x' }).success).toBe(true);
    expect(AuthFrame.safeParse({ t: 'auth' }).success).toBe(false);
    expect(ClientFrame.safeParse({ t: 'call', id: 1, name: 'a.b', input: {} }).success).toBe(true);
    expect(ClientFrame.safeParse({ t: 'auth', token: 'x' }).success).toBe(false);
    expect(ClientFrame.safeParse({ t: 'sub', name: 'a.b' }).success).toBe(true);
  });
});
