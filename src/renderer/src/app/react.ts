/** The store and services in React: the context main.tsx provides and `useBaton(selector)`. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Api } from '../../../shared/contracts';
import type { Transport } from '../api/transport';
import type { BatonState, BatonStore } from './types';

export interface AppServices {
  store: BatonStore;
  api: Api;
  transport: Transport;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside ServicesContext');
  return s;
}

/** Components always pass a narrow selector. */
export function useBaton<T>(selector: (s: BatonState) => T): T {
  return useStore(useServices().store, selector);
}
