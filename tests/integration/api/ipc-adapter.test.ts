import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createEventHub } from '../../../src/main/api/events';
import { registerIpcAdapter, type IpcEventLike, type IpcMainLike, type WebContentsLike } from '../../../src/main/api/ipc-adapter';
import { createRouter } from '../../../src/main/api/router';
import { IPC } from '../../../src/shared/ipc';
import { testContract, testHandlers } from '../../support/test-contract';

/** A stand-in for Electron's ipcMain and a webContents: the adapter's own code runs unchanged. */
class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (e: IpcEventLike, ...args: unknown[]) => unknown>();
  emitter = new EventEmitter();
  handle(channel: string, listener: (e: IpcEventLike, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, listener);
  }
  on(channel: string, listener: (e: IpcEventLike, ...args: unknown[]) => void) {
    this.emitter.on(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  removeAllListeners(channel: string) {
    this.emitter.removeAllListeners(channel);
  }
}

class FakeContents extends EventEmitter implements WebContentsLike {
  sent: unknown[][] = [];
  destroyed = false;
  constructor(readonly id: number) {
    super();
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  isDestroyed() {
    return this.destroyed;
  }
  override once(event: 'destroyed', listener: () => void): this {
    return super.once(event, listener);
  }
}

const TRUSTED = 'file:///app/out/renderer/index.html';

function setup() {
  const ipcMain = new FakeIpcMain();
  const hub = createEventHub(testContract);
  const dispose = registerIpcAdapter({
    ipcMain,
    router: createRouter(testContract, testHandlers, { onBug: () => {} }),
    hub,
    ctx: { via: 'ipc' },
    isTrustedUrl: (u) => u === TRUSTED,
  });
  const contents = new FakeContents(1);
  const ev = (url: string | null = TRUSTED): IpcEventLike => ({ sender: contents, senderFrame: url === null ? null : { url } });
  const invoke = (name: unknown, input: unknown, url: string | null = TRUSTED) => ipcMain.handlers.get(IPC.invoke)!(ev(url), name, input);
  return { ipcMain, hub, contents, ev, invoke, dispose };
}

describe('IPC adapter', () => {
  it('answers a valid call, invalid input, an unknown procedure and a thrown error', async () => {
    const { invoke } = setup();
    expect(await invoke('math.add', { a: 2, b: 2 })).toEqual({ ok: true, value: { sum: 4 } });
    expect(await invoke('math.add', { a: 2 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await invoke('math.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_procedure' } });
    expect(await invoke(42, {})).toMatchObject({ ok: false, error: { code: 'unknown_procedure' } });
    expect(await invoke('math.boom', {})).toEqual({ ok: false, error: { code: 'internal', message: 'kaboom' } });
  });

  it('refuses calls from a frame that is not our renderer', async () => {
    const { invoke } = setup();
    expect(await invoke('math.add', { a: 1, b: 1 }, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await invoke('math.add', { a: 1, b: 1 }, null)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('delivers subscribed events to the subscribing webContents until it unsubscribes or is destroyed', () => {
    const { ipcMain, hub, contents, ev } = setup();
    ipcMain.emitter.emit(IPC.subscribe, ev(), 'math.ticked');
    ipcMain.emitter.emit(IPC.subscribe, ev('https://evil.example/'), 'math.ticked');
    hub.emit('math.ticked', { n: 1 });
    expect(contents.sent).toEqual([[IPC.event, 'math.ticked', { n: 1 }]]);
    ipcMain.emitter.emit(IPC.unsubscribe, ev(), 'math.ticked');
    hub.emit('math.ticked', { n: 2 });
    expect(contents.sent).toHaveLength(1);
    ipcMain.emitter.emit(IPC.subscribe, ev(), 'math.ticked');
    contents.emit('destroyed');
    hub.emit('math.ticked', { n: 3 });
    expect(contents.sent).toHaveLength(1);
  });

  it('delivers an event with topics only to the subscribers of its topic, and refuses a subscription without one', () => {
    const { ipcMain, hub, contents, ev } = setup();
    const other = new FakeContents(2);
    const evOther: IpcEventLike = { sender: other, senderFrame: { url: TRUSTED } };
    ipcMain.emitter.emit(IPC.subscribe, ev(), 'math.streamed', 'a');
    ipcMain.emitter.emit(IPC.subscribe, evOther, 'math.streamed', null);
    ipcMain.emitter.emit(IPC.subscribe, evOther, 'math.streamed', 42);
    hub.emit('math.streamed', { stream: 'a', n: 1 });
    hub.emit('math.streamed', { stream: 'b', n: 2 });
    expect(contents.sent).toEqual([[IPC.event, 'math.streamed', { stream: 'a', n: 1 }, 'a']]);
    expect(other.sent).toEqual([]);
    ipcMain.emitter.emit(IPC.subscribe, evOther, 'math.streamed', 'b');
    hub.emit('math.streamed', { stream: 'b', n: 3 });
    expect(other.sent).toEqual([[IPC.event, 'math.streamed', { stream: 'b', n: 3 }, 'b']]);
    ipcMain.emitter.emit(IPC.unsubscribe, ev(), 'math.streamed', 'a');
    hub.emit('math.streamed', { stream: 'a', n: 4 });
    expect(contents.sent).toHaveLength(1);
  });

  it('unregisters its channels on dispose', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.emitter.listenerCount(IPC.subscribe)).toBe(0);
  });
});
