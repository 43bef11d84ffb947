import { z } from 'zod';

/**
 * One journal line as the host writes it and the events table stores it,
 * declared once: the contract carries it (`sessions.records`) and the type
 * is read from it. The host keeps its own copy (it imports nothing from the
 * app); tests/unit/shared/journal-record.test.ts makes tsc prove the two equal.
 */
export const JournalRecordSchema = z.object({
  v: z.number(),
  seq: z.number().int(),
  ts: z.number(),
  dir: z.enum(['in', 'out', 'host']),
  msg: z.unknown(),
});
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

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
