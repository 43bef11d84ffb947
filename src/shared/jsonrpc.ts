/** JSON-RPC message shapes and tests on them, without zod: the journal's tail reader runs them on a remote machine, which has Node and nothing else (ADR 0018). */

export type JsonRpcId = string | number;

export interface JsonRpcMessage {
  jsonrpc?: string;
  id?: JsonRpcId | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function asRpc(msg: unknown): JsonRpcMessage | null {
  return isObject(msg) ? (msg as JsonRpcMessage) : null;
}

export const isRequest = (m: JsonRpcMessage): boolean => typeof m.method === 'string' && m.id !== undefined && m.id !== null;
export const isNotification = (m: JsonRpcMessage): boolean => typeof m.method === 'string' && (m.id === undefined || m.id === null);
export const isResponse = (m: JsonRpcMessage): boolean => m.method === undefined && m.id !== undefined && ('result' in m || 'error' in m);

/** Request ids are compared as strings: the journal may hold both forms. */
export const idKey = (id: JsonRpcId | null | undefined): string => (id === undefined || id === null ? '' : `${typeof id}:${String(id)}`);
