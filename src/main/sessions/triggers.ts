import { asRpc, idKey, isObject, isRequest, isResponse, type JournalRecord } from '../../shared/journal';

export type RecordSignal =
  | { kind: 'prompt_sent'; requestKey: string }
  | { kind: 'permission_requested'; requestKey: string }
  | { kind: 'permission_answered'; requestKey: string }
  | { kind: 'response'; requestKey: string; error: string | null }
  | { kind: 'exit'; code: number | null; signal: string | null; stderrTail: string[] };

/** What a journal record means for the session's state; pure, so reattach and live use the same rules. */
export function signalOf(r: JournalRecord): RecordSignal | null {
  if (r.dir === 'host') {
    const msg = r.msg;
    if (isObject(msg) && isObject(msg.exit)) {
      return {
        kind: 'exit',
        code: typeof msg.exit.code === 'number' ? msg.exit.code : null,
        signal: typeof msg.exit.signal === 'string' ? msg.exit.signal : null,
        stderrTail: Array.isArray(msg.stderrTail) ? msg.stderrTail.map(String) : [],
      };
    }
    return null;
  }
  const m = asRpc(r.msg);
  if (!m) return null;
  if (r.dir === 'out' && isRequest(m) && m.method === 'session/prompt') return { kind: 'prompt_sent', requestKey: idKey(m.id) };
  if (r.dir === 'in' && isRequest(m) && m.method === 'session/request_permission') return { kind: 'permission_requested', requestKey: idKey(m.id) };
  if (r.dir === 'out' && isResponse(m)) return { kind: 'permission_answered', requestKey: idKey(m.id) };
  if (r.dir === 'in' && isResponse(m)) return { kind: 'response', requestKey: idKey(m.id), error: m.error?.message ?? null };
  return null;
}

/** A person-readable reason for an agent's exit, with the last stderr lines that usually explain it. */
export function exitReason(s: Extract<RecordSignal, { kind: 'exit' }>): string {
  const how = s.signal ? `was killed by ${s.signal}` : `exited with code ${s.code ?? 'unknown'}`;
  const tail = s.stderrTail.slice(-5).join('\n').trim();
  return tail ? `The agent ${how}. Last output:\n${tail}` : `The agent ${how}.`;
}
