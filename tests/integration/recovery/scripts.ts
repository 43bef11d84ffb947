/**
 * Scripts for the scripted ACP agent (tests/fixtures/scripted-agent). `{turn}`
 * is the session's prompt index, so every turn's tool calls have ids of their own.
 */
type Step = Record<string, unknown>;

/** `count` tools, each announced, given a result and completed, with a pause between them; optionally a permission asked after the first. */
export function toolRun(count: number, pauseMs: number, askPermission = false): Step[] {
  const steps: Step[] = [{ type: 'text', text: 'Starting turn {turn}. ' }];
  for (let k = 1; k <= count; k++) {
    const id = `t{turn}-${k}`;
    if (askPermission && k === 2) steps.push({ type: 'permission', toolCallId: id, title: `Allow step 2 of turn {turn}?` });
    steps.push(
      { type: 'tool_call', id, title: `Step ${k} of turn {turn}`, kind: 'execute', status: 'pending' },
      { type: 'tool_update', id, status: 'in_progress' },
      { type: 'delay', ms: pauseMs },
      { type: 'tool_update', id, status: 'completed', content: `result ${k} of turn {turn}` },
    );
  }
  steps.push({ type: 'text', text: 'All steps of turn {turn} done.' });
  return steps;
}

/** Every prompt (first, continued, primed) gets the same multi-tool run. */
export const multiToolScript = (count: number, pauseMs: number) => ({
  capabilities: { resume: true, loadSession: true },
  default: { steps: toolRun(count, pauseMs) },
});

/** The soak's turns: a permission in each, so `waiting_input` is crashed in too and the request is offered again after a restart. */
export const soakScript = () => ({
  capabilities: { resume: true, loadSession: true },
  default: { steps: toolRun(3, 80, true) },
});
