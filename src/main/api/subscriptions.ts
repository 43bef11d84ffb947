/** What one connected client subscribed to, shared by the IPC, WebSocket and control-socket adapters. */
import { ErrorCode } from '../../shared/errors';
import type { EventHub } from './events';

/** Why a subscription was refused: an unknown name, or a topic missing or given where none applies. */
export interface SubscriptionRefusal {
  code: string;
  message: string;
}

const key = (name: string, topic: string | null): string => (topic === null ? name : `${name}\u0000${topic}`);

/**
 * A client's subscriptions. Plain events are subscribed by name; an event declared with topics (a terminal's
 * output) only per topic, so a UI receives the output of the terminals it has open and no other.
 */
export class ClientSubscriptions {
  private readonly keys = new Set<string>();

  constructor(private readonly hub: EventHub) {}

  /** Adds the subscription, or says why not. */
  add(name: string, topic: string | null): SubscriptionRefusal | null {
    const refused = checkSubscription(this.hub, name, topic);
    if (!refused) this.keys.add(key(name, topic));
    return refused;
  }

  remove(name: string, topic: string | null): void {
    this.keys.delete(key(name, topic));
  }

  /**
   * Under which topics the event goes to this client: its own topic for a subscription to that topic, null (sent
   * plain) for a plain event or for a subscription to every topic of an event that allows one; none if neither.
   */
  deliveries(name: string, topic: string | null): Array<string | null> {
    const out: Array<string | null> = [];
    if (this.keys.has(key(name, topic))) out.push(topic);
    if (topic !== null && this.keys.has(key(name, null))) out.push(null);
    return out;
  }
}

/** The event frame of one delivery: with its topic when it was subscribed per topic. */
export function eventFrame(name: string, payload: unknown, topic: string | null): { t: 'event'; name: string; payload: unknown; topic?: string } {
  return topic === null ? { t: 'event', name, payload } : { t: 'event', name, payload, topic };
}

export function checkSubscription(hub: EventHub, name: string, topic: string | null): SubscriptionRefusal | null {
  if (!hub.has(name)) return { code: ErrorCode.unknownEvent, message: `There is no event named "${name}".` };
  const topical = hub.hasTopics(name);
  if (topical && topic === null && !hub.takesAnyTopic(name)) return { code: ErrorCode.invalidInput, message: `"${name}" is sent per topic: subscribe with one (for terminals.output, the terminal's id).` };
  if (!topical && topic !== null) return { code: ErrorCode.invalidInput, message: `"${name}" has no topics: subscribe without one.` };
  return null;
}
