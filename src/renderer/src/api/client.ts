import { contract, type Api } from '../../../shared/contracts';
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
