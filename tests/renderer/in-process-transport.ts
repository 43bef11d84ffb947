import type { Core } from '../../src/main/app/core';
import type { ConnectionState, Transport } from '../../src/renderer/src/api/transport';

/** The renderer's Transport straight onto a real core's router and hub, for store tests without a browser. */
export function inProcessTransport(core: Core): Transport & { resync(): void } {
  const resyncs = new Set<() => void>();
  return {
    invoke: (name, input) => core.router.call(name, structuredClone(input), { via: 'test' }),
    subscribe(name, cb) {
      return core.hub.listen((n, payload) => {
        if (n === name) cb(structuredClone(payload));
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
