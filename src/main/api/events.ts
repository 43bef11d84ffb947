import type { ContractDef, EmitPayloadOf, EventArgs, EventName } from '../../shared/contract';
import { eventSchema, lookupEvent } from '../../shared/contract';

/** A listener of every event; the name narrows the payload. */
export type Listener<C extends ContractDef = ContractDef> = (...args: EventArgs<C>) => void;

/**
 * The broadcast to UIs (renderers, the control socket). `EventHub<Contract>`
 * is typed by the contract: a wrong name or payload fails to compile. The
 * adapters take the plain `EventHub`, which forwards any contract's events.
 * Domain rules do not listen here: they get callbacks of their own (core.ts).
 */
export interface EventHub<C extends ContractDef = ContractDef> {
  /**
   * Parses the payload against the contract (in every build: it is cheap, and
   * like the router's output parse it strips undeclared fields before they
   * leave main), then delivers it. Call only after the fact is committed.
   */
  emit<N extends EventName<C>>(name: N, payload: EmitPayloadOf<C, N>): void;
  /** Listens to every event; adapters filter by what each client subscribed to. */
  listen(listener: Listener<C>): () => void;
  // A listener that reads only the name: tsc does not let a one-parameter function stand for a union of tuples.
  listen(listener: (name: EventName<C>) => void): () => void;
  has(name: string): boolean;
  /** True for events that go only to subscribers of a topic (see EventDef.topic). */
  hasTopics(name: string): boolean;
  /**
   * A delivered payload's topic (a terminal's id for its output), null for events without topics: adapters
   * send those events only to the subscribers of that topic.
   */
  topicOf(name: string, payload: unknown): string | null;
  /** A topical event that may also be subscribed without a topic, for every topic's payloads (EventDef.anyTopic). */
  takesAnyTopic(name: string): boolean;
}

type RawListener = (name: string, payload: unknown) => void;

export function createEventHub<C extends ContractDef>(contract: C): EventHub<C> {
  const listeners = new Set<RawListener>();
  return {
    emit(name, payload) {
      const parsed = eventSchema(contract, name).parse(payload);
      for (const l of [...listeners]) {
        try {
          l(name, parsed);
        } catch (e) {
          console.error(`[baton] event listener for ${name} failed:`, e);
        }
      }
    },
    listen(listener: Listener<C> | ((name: EventName<C>) => void)) {
      // Every payload delivered was parsed by its own name's schema in emit, which is what Listener<C> promises.
      const raw = listener as RawListener;
      listeners.add(raw);
      return () => listeners.delete(raw);
    },
    has(name) {
      return lookupEvent(contract, name) !== undefined;
    },
    hasTopics(name) {
      return lookupEvent(contract, name)?.topic !== undefined;
    },
    takesAnyTopic(name) {
      return lookupEvent(contract, name)?.anyTopic === true;
    },
    topicOf(name, payload) {
      // Listeners get only payloads emit parsed by this name's schema, which is what the topic function reads.
      return lookupEvent(contract, name)?.topic?.(payload) ?? null;
    },
  };
}
