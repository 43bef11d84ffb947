import { ErrorCode } from '../../shared/errors';
import { IPC } from '../../shared/ipc';
import { fail, type Result } from '../../shared/result';
import type { EventHub } from './events';
import type { Router } from './router';

/** The slice of Electron's webContents the adapter uses; real ones are passed in from src/main/electron. */
export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): void;
}

export interface IpcEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): void;
  removeHandler(channel: string): void;
  removeAllListeners(channel: string): void;
}

export interface IpcAdapterOptions<Ctx> {
  ipcMain: IpcMainLike;
  router: Router<Ctx>;
  hub: EventHub;
  ctx: Ctx;
  /** Only frames showing our own renderer may call; anything else (a navigated or injected frame) is refused. */
  isTrustedUrl: (url: string) => boolean;
}

/** Carries the contract over Electron IPC: one invoke channel and one event channel. */
export function registerIpcAdapter<Ctx>(opts: IpcAdapterOptions<Ctx>): () => void {
  const { ipcMain, router, hub, ctx, isTrustedUrl } = opts;
  const subscribers = new Map<number, { contents: WebContentsLike; names: Set<string> }>();
  const trusted = (e: IpcEventLike): boolean => e.senderFrame !== null && isTrustedUrl(e.senderFrame.url);

  ipcMain.handle(IPC.invoke, async (e, name, input): Promise<Result<unknown>> => {
    if (!trusted(e)) return fail(ErrorCode.unauthorized, 'Unauthorized');
    if (typeof name !== 'string') return fail(ErrorCode.unknownProcedure, 'The procedure name must be a string.');
    return router.call(name, input, ctx);
  });

  ipcMain.on(IPC.subscribe, (e, name) => {
    if (!trusted(e) || typeof name !== 'string' || !hub.has(name)) return;
    let entry = subscribers.get(e.sender.id);
    if (!entry) {
      entry = { contents: e.sender, names: new Set() };
      subscribers.set(e.sender.id, entry);
      const id = e.sender.id;
      e.sender.once('destroyed', () => subscribers.delete(id));
    }
    entry.names.add(name);
  });

  ipcMain.on(IPC.unsubscribe, (e, name) => {
    if (typeof name === 'string') subscribers.get(e.sender.id)?.names.delete(name);
  });

  const stop = hub.listen((name, payload) => {
    for (const { contents, names } of subscribers.values()) {
      if (names.has(name) && !contents.isDestroyed()) contents.send(IPC.event, name, payload);
    }
  });

  return () => {
    stop();
    subscribers.clear();
    ipcMain.removeHandler(IPC.invoke);
    ipcMain.removeAllListeners(IPC.subscribe);
    ipcMain.removeAllListeners(IPC.unsubscribe);
  };
}
