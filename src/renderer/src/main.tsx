/** The renderer's entry: picks the transport, builds the store, connects it to main and renders the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/App';
import { createApi, pickTransport } from './api/client';
import { connectStore, createBatonStore } from './app/store';
import type { PlaceStorage } from './app/place';
import { ServicesContext } from './app/react';
import './styles/app.css';
import './styles/recovery.css';
import './styles/orchestrator.css';
import './styles/tasks.css';
import './styles/review.css';

const transport = pickTransport();
const api = createApi(transport);
const store = createBatonStore({ api, places: browserPlaces() });
connectStore(store, transport);

/** localStorage survives a reload and a restart (sessionStorage would not outlive the tab); absent or refused, nothing is kept. */
function browserPlaces(): PlaceStorage | undefined {
  try {
    const ls = window.localStorage;
    return { read: (k) => ls.getItem(k), write: (k, v) => ls.setItem(k, v) };
  } catch {
    return undefined;
  }
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServicesContext.Provider value={{ store, api, transport }}>
        <App />
      </ServicesContext.Provider>
    </StrictMode>,
  );
}
