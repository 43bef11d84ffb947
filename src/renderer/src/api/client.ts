/** The contract client: `api.<domain>.<procedure>(input)` and parsed event subscriptions, built from the contract. */
import { eventSchema } from '../../../shared/contract';
import { contract, type Api, type BatonEvent, type BatonPayload } from '../../../shared/contracts';
import type { BatonBridge } from '../../../shared/ipc';
import { createBridgeTransport } from './bridge-transport';
import type { Transport } from './transport';
import { createWsTransport } from './ws-transport';

/** Builds `api.<domain>.<procedure>(input)` from the contract itself, so it cannot drift. */
export function createApi(transport: Transport): Api {
  const api: Record<string, Record<string, (input: unknown) => unknown>> = {};
  for (const [domainName, def] of Object.entries(contract)) {
    const methods: Record<string, (input: unknown) => unknown> = {};
    for (const proc of Object.keys(def.procedures)) {
      methods[proc] = (input: unknown) => transport.invoke(`${domainName}.${proc}`, input);
    }
    api[domainName] = methods;
  }
  return api as unknown as Api;
}

/**
 * `subscribe('sessions.changed', ({ sessionId }) => …)`, typed by the contract.
 * `onInvalid` runs instead of the callback when a payload does not parse.
 * `topic`: for events sent per topic (`terminals.output`: the terminal's id), the one wanted.
 */
export type Subscribe = <N extends BatonEvent>(name: N, callback: (payload: BatonPayload<N>) => void, onInvalid?: () => void, topic?: string) => () => void;

/**
 * Events at the renderer's edge: each payload is parsed against the schema
 * its domain declares before any store sees it. One that does not parse (a
 * main of another build, say) is dropped and logged, never passed on as
 * `unknown` for a store to guess at.
 */
export function createSubscribe(transport: Transport): Subscribe {
  return (name, callback, onInvalid, topic) => {
    const schema = eventSchema(contract, name);
    return transport.subscribe(
      name,
      (raw) => {
        const parsed = schema.safeParse(raw);
        if (parsed.success) return callback(parsed.data);
        console.warn(`[baton] dropped a ${name} event this build cannot read: ${parsed.error.message}`);
        onInvalid?.();
      },
      topic,
    );
  };
}

const TOKEN_KEY = 'baton.token';

/** The bridge when the preload put one there (Electron), else the WebSocket (browser mode). */
export function pickTransport(): Transport {
  const bridge = (window as unknown as { baton?: BatonBridge }).baton;
  if (bridge) return createBridgeTransport(bridge);
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    // sessionStorage belongs to this origin (port included) and this tab: a reload keeps it, other servers on 127.0.0.1 never see it.
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // Keep the secret out of the address bar, history and screenshots.
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return createWsTransport({ token: fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '', host: window.location.host });
}
