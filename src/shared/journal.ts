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

export { asRpc, idKey, isNotification, isObject, isRequest, isResponse, type JsonRpcId, type JsonRpcMessage } from './jsonrpc';
