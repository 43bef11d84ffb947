/** The Electron transport: calls and events through the preload's bridge. */
import { ErrorCode } from '../../../shared/errors';
import type { BatonBridge } from '../../../shared/ipc';
import { fail, type Result } from '../../../shared/result';
import type { Transport } from './transport';

function isResult(v: unknown): v is Result<unknown> {
  return !!v && typeof v === 'object' && 'ok' in v && typeof v.ok === 'boolean';
}

/** Electron: the preload's bridge; IPC never drops, so the state is always connected. */
export function createBridgeTransport(bridge: BatonBridge): Transport {
  return {
    async invoke(name, input) {
      try {
        const r = await bridge.invoke(name, input);
        return isResult(r) ? r : fail(ErrorCode.internal, `Malformed answer to ${name}.`);
      } catch (e) {
        return fail(ErrorCode.internal, e instanceof Error ? e.message : String(e));
      }
    },
    subscribe: (name, cb, topic) => (topic === undefined ? bridge.subscribe(name, cb) : bridge.subscribe(name, cb, topic)),
    onState(cb) {
      cb({ kind: 'connected' });
      return () => {};
    },
    onResync: () => () => {},
    retryNow: () => {},
  };
}
