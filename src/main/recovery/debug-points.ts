/**
 * Named crash points at commit boundaries, for fault-injection tests. Off
 * unless BATON_DEBUG_POINT names one (optionally `name:N` = on its Nth hit);
 * then the process kills itself on the spot, as a power cut or kill -9 would.
 *
 * `after_journal_append` and `mid_journal_write` are the session host's
 * (src/main/host/debug-point.ts): main never hits them itself, it forwards
 * the spec in the config of every host it launches (runtime/launch.ts), and
 * that host counts its own hits, one per journal record.
 */
export const DEBUG_POINTS = [
  'after_journal_append',
  'after_projection_commit',
  'before_broadcast',
  'after_turn_checkpoint',
  'before_prompt_send',
  'mid_spawn',
  'mid_journal_write',
  // sessions/hibernate.ts: an idle session's hibernation, just before its host is asked to stop, and once it has journaled the exit.
  'before_hibernate_stop',
  'after_hibernate_stop',
] as const;
export type DebugPoint = (typeof DEBUG_POINTS)[number];

export function createDebugPoints(spec = process.env.BATON_DEBUG_POINT): (name: string) => void {
  if (!spec) return () => {};
  const [target, nth] = spec.split(':');
  let hits = 0;
  const wanted = Math.max(1, Number(nth ?? 1) || 1);
  return (name) => {
    if (name !== target) return;
    hits++;
    if (hits >= wanted) process.kill(process.pid, 'SIGKILL');
  };
}
