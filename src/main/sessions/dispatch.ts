import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../shared/result';
import { sessionView } from '../../shared/session-view';
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
  const view = sessionView({ state: s.state, agentRunning: !!l && !!s.agentSessionId, agentExiting: l?.agentExited === true, promptSent: l?.promptInFlight() === true });
  if (view.promptRefusal !== null) return fail('session_not_ready', view.promptRefusal);
  // Taken, but only an attached agent can be sent to: an idle session whose agent is not running is resumed by the lifecycle first.
  if (!l || !s.agentSessionId) return fail('session_not_ready', `The agent cannot take a prompt now: it is ${s.state}.`);
  const turn = deps.turns.insertDispatching({ id: randomUUID(), sessionId: id, idempotencyKey, prompt: text });
  deps.debugPoint('after_turn_checkpoint');
  deps.debugPoint('before_prompt_send');
  send(l, s.agentSessionId, turn.id, text);
  // Shown Working from now, not only once the host has journaled the prompt.
  reg.changed(id);
  return ok({ turnId: turn.id, duplicate: false });
}

/** Sends a checkpointed turn's prompt; its outcome arrives through the journal, whichever process is attached then. */
export function send(l: LiveSession, agentSessionId: string, turnId: string, text: string): void {
  const answered = l.acp.agent.request('session/prompt', { sessionId: agentSessionId, prompt: [{ type: 'text', text }], _meta: { [TURN_META_KEY]: turnId } });
  l.sendingPrompt(turnId, answered);
  answered.catch(() => undefined);
}
