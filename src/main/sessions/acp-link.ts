import { randomBytes } from 'node:crypto';
import { client, type AnyMessage, type ClientContext, type RequestPermissionRequest, type RequestPermissionResponse } from '@agentclientprotocol/sdk';
import { idKey, isObject } from '../../shared/journal';

export interface AcpLinkOptions {
  /** Writes one JSON-RPC message to the host, which journals it before the agent sees it. */
  send: (msg: AnyMessage) => void;
  onPermission: (requestKey: string, params: RequestPermissionRequest, signal: AbortSignal) => Promise<RequestPermissionResponse>;
}

export interface AcpLink {
  /** This link's request-id namespace: every id it sends is `<namespace>:<n|s><sdk id>`. */
  readonly namespace: string;
  /** The SDK's typed handle for calling the agent (initialize, session/new, prompt, cancel…). */
  readonly agent: ClientContext;
  /** Hands the SDK an agent→client message; call only after the record is committed to the projection. */
  deliver(msg: unknown): void;
  close(): void;
}

/** 48 random bits: a fresh namespace for each link, whichever process makes it. */
export const newLinkNamespace = (): string => randomBytes(6).toString('hex');

/**
 * The ACP SDK's client over the host socket. The SDK numbers its requests
 * from 0 on every link, and one main process makes many links to a session
 * (an agent started again after its host was lost, a reattach after another
 * client took the socket over), so ids are namespaced per link on the way out
 * and unwrapped on the way in. A response to another link's request is left
 * to the projection and never reaches this SDK connection. See ADR 0007.
 */
export function createAcpLink(opts: AcpLinkOptions, namespace: string = newLinkNamespace()): AcpLink {
  const prefix = `${namespace}:`;
  let controller!: ReadableStreamDefaultController<AnyMessage>;
  let closed = false;
  const readable = new ReadableStream<AnyMessage>({
    start(c) {
      controller = c;
    },
  });
  const writable = new WritableStream<AnyMessage>({
    write(msg) {
      const m = msg as unknown as Record<string, unknown>;
      const isRequest = typeof m.method === 'string' && m.id !== undefined && m.id !== null;
      opts.send(isRequest ? ({ ...m, id: `${prefix}${typeof m.id === 'number' ? 'n' : 's'}${String(m.id)}` } as unknown as AnyMessage) : msg);
    },
  });

  const app = client({ name: 'baton' })
    .onRequest('session/request_permission', (ctx) => opts.onPermission(idKey(ctx.requestId), ctx.params, ctx.signal))
    // Updates are folded from the journal by the projection; the SDK only needs not to reject them.
    .onNotification('session/update', () => {})
    .onNotification('*', () => {});
  const conn = app.connect({ readable, writable });

  return {
    namespace,
    agent: conn.agent,
    deliver(msg) {
      if (closed || !isObject(msg)) return;
      // A notification's handlers here do nothing (the projection folds updates from the journal), yet the SDK would
      // validate each one against its schemas first: at a live agent's pace that was the brain's largest cost.
      if (typeof msg.method === 'string' && (msg.id === undefined || msg.id === null)) return;
      const isResponse = msg.method === undefined && msg.id !== undefined;
      if (isResponse) {
        if (typeof msg.id !== 'string' || !msg.id.startsWith(prefix)) return;
        const raw = msg.id.slice(prefix.length);
        const id = raw[0] === 'n' ? Number(raw.slice(1)) : raw.slice(1);
        controller.enqueue({ ...msg, id } as unknown as AnyMessage);
        return;
      }
      controller.enqueue(msg as unknown as AnyMessage);
    },
    close() {
      if (closed) return;
      closed = true;
      conn.close();
    },
  };
}
