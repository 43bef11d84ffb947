import { ErrorCode } from '../../shared/errors';
import { IPC } from '../../shared/ipc';
import { fail, type Result } from '../../shared/result';
import type { EventHub } from './events';
import type { Router } from './router';
import { ClientSubscriptions } from './subscriptions';

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
  const subscribers = new Map<number, { contents: WebContentsLike; subs: ClientSubscriptions }>();
  const trusted = (e: IpcEventLike): boolean => e.senderFrame !== null && isTrustedUrl(e.senderFrame.url);

  ipcMain.handle(IPC.invoke, async (e, name, input): Promise<Result<unknown>> => {
    if (!trusted(e)) return fail(ErrorCode.unauthorized, 'Unauthorized');
    if (typeof name !== 'string') return fail(ErrorCode.unknownProcedure, 'The procedure name must be a string.');
    return router.call(name, input, ctx);
  });

  /** A topic is a non-empty string or absent (null); anything else is not a subscription this adapter takes. */
  const topicOf = (v: unknown): string | null | undefined => (v === undefined || v === null ? null : typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined);

  ipcMain.on(IPC.subscribe, (e, name, rawTopic) => {
    const topic = topicOf(rawTopic);
    if (!trusted(e) || typeof name !== 'string' || topic === undefined) return;
    let entry = subscribers.get(e.sender.id);
    if (!entry) {
      entry = { contents: e.sender, subs: new ClientSubscriptions(hub) };
      subscribers.set(e.sender.id, entry);
      const id = e.sender.id;
      e.sender.once('destroyed', () => subscribers.delete(id));
    }
    // Send has no answer: a refused subscription is a bug in our own renderer, said in main's log.
    const refused = entry.subs.add(name, topic);
    if (refused) console.error(`[baton] ipc: subscription refused: ${refused.message}`);
  });

  ipcMain.on(IPC.unsubscribe, (e, name, rawTopic) => {
    const topic = topicOf(rawTopic);
    if (typeof name === 'string' && topic !== undefined) subscribers.get(e.sender.id)?.subs.remove(name, topic);
  });

  const stop = hub.listen((name, payload) => {
    const topic = hub.topicOf(name, payload);
    for (const { contents, subs } of subscribers.values()) {
      if (contents.isDestroyed()) continue;
      for (const t of subs.deliveries(name, topic)) {
        if (t === null) contents.send(IPC.event, name, payload);
        else contents.send(IPC.event, name, payload, t);
      }
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
