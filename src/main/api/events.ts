import type { ContractDef } from '../../shared/contract';
import { lookupEvent } from '../../shared/contract';

export type Listener = (name: string, payload: unknown) => void;

export interface EventHub {
  /** Validates the payload against the contract, then delivers it. Call only after the fact is committed. */
  emit(name: string, payload: unknown): void;
  /** Listens to every event; adapters filter by what each client subscribed to. */
  listen(listener: Listener): () => void;
  has(name: string): boolean;
}

export function createEventHub(contract: ContractDef): EventHub {
  const listeners = new Set<Listener>();
  return {
    emit(name, payload) {
      const def = lookupEvent(contract, name);
      if (!def) throw new Error(`Unknown event ${name}`);
      const parsed = def.payload.parse(payload);
      for (const l of [...listeners]) {
        try {
          l(name, parsed);
        } catch (e) {
          console.error(`[baton] event listener for ${name} failed:`, e);
        }
      }
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    has(name) {
      return lookupEvent(contract, name) !== undefined;
    },
  };
}
