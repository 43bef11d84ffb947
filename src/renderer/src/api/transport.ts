/** What the client needs from a wire (call, subscribe, connection state, resync), whichever one carries it. */
import type { Result } from '../../../shared/result';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; attempt: number; since: number }
  | { kind: 'disconnected'; reason: 'token_rejected' | 'unreachable'; message: string };

/** How the client reaches main: the Electron bridge or the browser-mode WebSocket. */
export interface Transport {
  invoke(name: string, input: unknown): Promise<Result<unknown>>;
  /** The raw wire, payload unparsed: stores subscribe through `createSubscribe` (client.ts), which parses each one. */
  /** `topic`: for events sent per topic (terminals.output: the terminal's id), the one wanted. */
  subscribe(name: string, callback: (payload: unknown) => void, topic?: string): () => void;
  /** Called with the current state at once, then on every change. */
  onState(callback: (state: ConnectionState) => void): () => void;
  /** After a reconnect events may have been missed: reload by query. */
  onResync(callback: () => void): () => void;
  /** Try to reconnect now instead of waiting for the next attempt. */
  retryNow(): void;
}
