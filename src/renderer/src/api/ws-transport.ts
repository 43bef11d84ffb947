/** The browser-mode transport: one WebSocket with the token in its first frame, reconnecting with backoff. */
import { ErrorCode } from '../../../shared/errors';
import { fail, type Result } from '../../../shared/result';
import { HTTP_PATHS, ServerFrame, WS_CLOSE, type AuthFrame, type ClientFrame } from '../../../shared/wire';
import type { ConnectionState, Transport } from './transport';

const CALL_TIMEOUT_MS = 30_000;
const QUEUE_TIMEOUT_MS = 15_000;
/** After this long without a connection the status bar says disconnected (attempts go on). */
const GIVE_UP_MS = 20_000;

interface Pending {
  resolve: (r: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

const NO_TOKEN = 'This page was opened without its access token. Open the address Baton printed in the terminal (it ends in ?token=…).';
/** Rare since the address is kept across restarts: the server was started with another --token/BATON_TOKEN, or browser.json was removed. */
const TOKEN_REJECTED =
  'Baton restarted with a different access token, so this page cannot reconnect. Open the address it printed in the terminal where it was started (the line “Open http://127.0.0.1:…/?token=…”). Started without --token or BATON_TOKEN, it keeps one address across restarts.';

/**
 * Browser mode: one WebSocket carrying calls and events. The token goes in
 * the first frame and nowhere else (not the URL, not a cookie: every other
 * server on 127.0.0.1 would see those). It reconnects with
 * backoff after the server restarts, resubscribes, and tells listeners to
 * resync, since events sent while it was away are gone.
 */
export function createWsTransport(opts: { token: string; host: string }): Transport {
  const { token, host } = opts;
  let ws: WebSocket | null = null;
  let state: ConnectionState = { kind: 'connecting' };
  let nextId = 1;
  let attempt = 0;
  let downSince = 0;
  let everConnected = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const pending = new Map<number, Pending>();
  const queue: { frame: ClientFrame; p: Pending }[] = [];
  /**
   * The socket is open and its auth frame sent: frames go out now, behind it, without waiting for the hello. The
   * server reads a socket's frames in order and checks the first synchronously, so a page's first calls are on
   * their way one round trip sooner (the hello's, which a busy page or main made a few hundred ms at load).
   */
  let authSent = false;
  /** Calls sent behind the auth frame before its hello: queued again if the socket closes first (a refused token, a restart). */
  let early: { frame: ClientFrame; p: Pending }[] = [];
  /** Keyed by name, or name and topic (subKey); each key's sub frame is sent once and again after a reconnect. */
  const subs = new Map<string, { name: string; topic?: string; callbacks: Set<(payload: unknown) => void> }>();
  const subKey = (name: string, topic: string | undefined): string => (topic === undefined ? name : `${name}\u0000${topic}`);
  const subFrame = (t: 'sub' | 'unsub', name: string, topic: string | undefined): ClientFrame => (topic === undefined ? { t, name } : { t, name, topic });
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const resyncListeners = new Set<() => void>();

  const setState = (s: ConnectionState): void => {
    state = s;
    for (const l of stateListeners) l(s);
  };
  const sendRaw = (frame: ClientFrame | AuthFrame): void => ws?.send(JSON.stringify(frame));
  const rejected = (): void => setState({ kind: 'disconnected', reason: 'token_rejected', message: token ? TOKEN_REJECTED : NO_TOKEN });

  function connect(): void {
    retryTimer = null;
    const socket = new WebSocket(`ws://${host}${HTTP_PATHS.socket}`);
    ws = socket;
    socket.onopen = () => {
      sendRaw({ t: 'auth', token });
      authSent = true;
      for (const { name, topic } of subs.values()) sendRaw(subFrame('sub', name, topic));
      for (const q of queue.splice(0)) sendEarly(q);
    };
    socket.onmessage = (ev) => onFrame(typeof ev.data === 'string' ? ev.data : '');
    socket.onclose = (ev) => {
      if (ws !== socket) return;
      ws = null;
      authSent = false;
      // Never answered (no hello came): they wait for the next connection, as calls made while down do.
      for (const q of early.splice(0)) {
        if (q.frame.t !== 'call' || !pending.delete(q.frame.id)) continue;
        queue.push(q);
      }
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.resolve(fail(ErrorCode.disconnected, 'The connection to Baton was lost before it answered; try again.'));
        pending.delete(id);
      }
      // The server is up and refused the token (it restarted with another one): retrying cannot help.
      if (ev.code === WS_CLOSE.unauthorized) return rejected();
      void scheduleReconnect();
    };
  }

  function onFrame(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) return;
    const f = parsed.data;
    if (f.t === 'hello') {
      const wasReconnect = everConnected;
      everConnected = true;
      attempt = 0;
      // The subscriptions and queued calls went out behind the auth frame already.
      early = [];
      setState({ kind: 'connected' });
      if (wasReconnect) for (const l of resyncListeners) l();
    } else if (f.t === 'result') {
      const p = pending.get(f.id);
      if (!p) return;
      pending.delete(f.id);
      clearTimeout(p.timer);
      p.resolve(f.ok ? { ok: true, value: f.value } : { ok: false, error: f.error });
    } else if (f.t === 'event') {
      for (const cb of subs.get(subKey(f.name, f.topic))?.callbacks ?? []) cb(f.payload);
    } else {
      console.warn('[baton] server said:', f.error.message);
    }
  }

  async function scheduleReconnect(): Promise<void> {
    if (retryTimer) return;
    attempt += 1;
    if (attempt === 1) downSince = Date.now();
    const health = await probe();
    if (Date.now() - downSince > GIVE_UP_MS) {
      setState({
        kind: 'disconnected',
        reason: 'unreachable',
        message: 'Baton is not answering. Start it again (npm run serve); this page reconnects by itself.',
      });
    } else {
      setState({ kind: 'reconnecting', attempt, since: downSince });
    }
    if (health === 'up') {
      connect();
      return;
    }
    const delay = Math.min(250 * 2 ** Math.min(attempt - 1, 4), 4000);
    retryTimer = setTimeout(connect, delay);
  }

  async function probe(): Promise<'up' | 'down'> {
    try {
      const res = await fetch(HTTP_PATHS.health, { cache: 'no-store' });
      return res.ok ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  /** A call sent behind the auth frame, its answer awaited; remembered until the hello in case the socket closes first. */
  function sendEarly(q: { frame: ClientFrame; p: Pending }): void {
    if (q.frame.t === 'call') pending.set(q.frame.id, q.p);
    sendRaw(q.frame);
    if (state.kind !== 'connected') early.push(q);
  }

  if (token) connect();
  else rejected();

  return {
    invoke(name, input) {
      return new Promise((resolve) => {
        const id = nextId++;
        const frame: ClientFrame = { t: 'call', id, name, input };
        const connected = ws?.readyState === WebSocket.OPEN && authSent;
        const timer = setTimeout(
          () => {
            pending.delete(id);
            const i = queue.findIndex((q) => q.frame.t === 'call' && q.frame.id === id);
            if (i >= 0) queue.splice(i, 1);
            resolve(fail(ErrorCode.timeout, `Baton did not answer ${name} in time; check it is running and try again.`));
          },
          connected ? CALL_TIMEOUT_MS : QUEUE_TIMEOUT_MS,
        );
        const p: Pending = { resolve, timer };
        if (connected) {
          sendEarly({ frame, p });
        } else {
          queue.push({ frame, p });
        }
      });
    },
    subscribe(name, cb, topic) {
      const k = subKey(name, topic);
      let entry = subs.get(k);
      if (!entry) {
        entry = topic === undefined ? { name, callbacks: new Set() } : { name, topic, callbacks: new Set() };
        subs.set(k, entry);
        if (ws?.readyState === WebSocket.OPEN && authSent) sendRaw(subFrame('sub', name, topic));
      }
      const set = entry.callbacks;
      set.add(cb);
      return () => {
        set.delete(cb);
        if (set.size === 0 && subs.get(k)?.callbacks === set) {
          subs.delete(k);
          if (ws?.readyState === WebSocket.OPEN && authSent) sendRaw(subFrame('unsub', name, topic));
        }
      };
    },
    onState(cb) {
      stateListeners.add(cb);
      cb(state);
      return () => stateListeners.delete(cb);
    },
    onResync(cb) {
      resyncListeners.add(cb);
      return () => resyncListeners.delete(cb);
    },
    retryNow() {
      if (ws || state.kind === 'connected') return;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      attempt = 0;
      void scheduleReconnect();
    },
  };
}
