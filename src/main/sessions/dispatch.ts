import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../shared/result';
import type { LiveSession } from './live';
import { TURN_META_KEY } from './projection';
import type { Registry } from './registry';

/** Checkpoint, then dispatch: the turn row is committed before the prompt leaves main. */
export function dispatch(reg: Registry, id: string, text: string, idempotencyKey: string): Result<{ turnId: string; duplicate: boolean }> {
  const { deps } = reg;
  const existing = deps.turns.byKey(idempotencyKey);
  if (existing) return ok({ turnId: existing.id, duplicate: true });
  const found = reg.found(id);
  if (!found.ok) return found;
  const s = found.value;
  const l = reg.live.get(id);
  if (l?.agentExited) return fail('session_not_ready', 'The agent has just exited and its session host is closing. Send the prompt again in a moment: the agent is started again and its conversation resumed.');
  if (s.state !== 'idle' || !l || !s.agentSessionId) {
    const why = s.state === 'busy' || s.state === 'waiting_input' ? 'it is working on a turn; wait for it or Cancel' : `it is ${s.state}`;
    return fail('session_not_ready', `The agent cannot take a prompt now: ${why}.`);
  }
  const turn = deps.turns.insertDispatching({ id: randomUUID(), sessionId: id, idempotencyKey, prompt: text });
  deps.debugPoint('after_turn_checkpoint');
  deps.debugPoint('before_prompt_send');
  send(l, s.agentSessionId, turn.id, text);
  return ok({ turnId: turn.id, duplicate: false });
}

/** Sends a checkpointed turn's prompt; its outcome arrives through the journal, whichever process is attached then. */
export function send(l: LiveSession, agentSessionId: string, turnId: string, text: string): void {
  l.acp.agent
    .request('session/prompt', { sessionId: agentSessionId, prompt: [{ type: 'text', text }], _meta: { [TURN_META_KEY]: turnId } })
    .catch(() => undefined);
}
