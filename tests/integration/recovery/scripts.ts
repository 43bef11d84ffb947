/**
 * Scripts for the scripted ACP agent (tests/fixtures/scripted-agent). `{turn}`
 * is the session's prompt index, so every turn's tool calls have ids of their own.
 */
type Step = Record<string, unknown>;

/** `count` tools, each announced, given a result and completed, with a pause between them. */
export function toolRun(count: number, pauseMs: number): Step[] {
  const steps: Step[] = [{ type: 'text', text: 'Starting turn {turn}. ' }];
  for (let k = 1; k <= count; k++) {
    const id = `t{turn}-${k}`;
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
