import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createApi, pickTransport } from './api/client';
import { connectStore, createBatonStore } from './stores';
import { ServicesContext } from './stores/react';
import './styles/app.css';
import './styles/recovery.css';
import './styles/orchestrator.css';
import './styles/tasks.css';
import './styles/review.css';

const transport = pickTransport();
const api = createApi(transport);
const store = createBatonStore({ api });
connectStore(store, transport);

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
