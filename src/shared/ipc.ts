/** Channel names shared by the preload and main's IPC adapter. */
export const IPC = {
  invoke: 'baton:invoke',
  subscribe: 'baton:subscribe',
  unsubscribe: 'baton:unsubscribe',
  event: 'baton:event',
} as const;

/** What the preload exposes on `window.baton`: a transport, nothing per method. */
export interface BatonBridge {
  invoke(name: string, input: unknown): Promise<unknown>;
  /** `topic`: for events sent per topic (terminals.output: the terminal's id), the one wanted. */
  subscribe(name: string, callback: (payload: unknown) => void, topic?: string): () => void;
}
