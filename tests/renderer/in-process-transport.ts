import type { Core } from '../../src/main/app/core';
import type { ConnectionState, Transport } from '../../src/renderer/src/api/transport';

/** The renderer's Transport straight onto a real core's router and hub, for store tests without a browser. */
export function inProcessTransport(core: Core): Transport & { resync(): void } {
  const resyncs = new Set<() => void>();
  return {
    invoke: (name, input) => core.router.call(name, structuredClone(input), { via: 'test' }),
    subscribe(name, cb, topic) {
      // As the real adapters do: an event with a topic reaches only the subscribers of that topic.
      return core.hub.listen((n, payload) => {
        if (n === name && core.hub.topicOf(n, payload) === (topic ?? null)) cb(structuredClone(payload));
      });
    },
    onState(cb: (s: ConnectionState) => void) {
      cb({ kind: 'connected' });
      return () => {};
    },
    onResync(cb) {
      resyncs.add(cb);
      return () => resyncs.delete(cb);
    },
    retryNow() {},
    resync() {
      for (const cb of resyncs) cb();
    },
  };
}

/**
 * Like `inProcessTransport`, but `restart(core)` moves it onto another core
 * (a restarted main on the same data directory) the way the WebSocket
 * transport reconnects: subscriptions carry over, then listeners resync.
 */
export function restartableTransport(first: Core): Transport & { restart(next: Core): void } {
  let core = first;
  const resyncs = new Set<() => void>();
  const subs = new Set<{ name: string; topic: string | null; cb: (payload: unknown) => void; off: () => void }>();
  const listen = (sub: { name: string; topic: string | null; cb: (payload: unknown) => void }) =>
    core.hub.listen((n, payload) => {
      if (n === sub.name && core.hub.topicOf(n, payload) === sub.topic) sub.cb(structuredClone(payload));
    });
  return {
    invoke: (name, input) => core.router.call(name, structuredClone(input), { via: 'test' }),
    subscribe(name, cb, topic) {
      const sub = { name, topic: topic ?? null, cb, off: () => {} };
      sub.off = listen(sub);
      subs.add(sub);
      return () => {
        sub.off();
        subs.delete(sub);
      };
    },
    onState(cb: (s: ConnectionState) => void) {
      cb({ kind: 'connected' });
      return () => {};
    },
    onResync(cb) {
      resyncs.add(cb);
      return () => resyncs.delete(cb);
    },
    retryNow() {},
    restart(next) {
      core = next;
      for (const sub of subs) {
        sub.off();
        sub.off = listen(sub);
      }
      for (const cb of resyncs) cb();
    },
  };
}
