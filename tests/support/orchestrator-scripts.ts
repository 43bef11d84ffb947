/**
 * What a woken orchestrator does in the scripted agent, through Baton's MCP
 * tools: claim the next run, start a worker for it, wait for the worker to end
 * its turn, read what it said, complete the run. Shared by the integration
 * and e2e tests of the task queue.
 */
export const ORCHESTRATOR_LOOP_STEPS = [
  { type: 'mcp_call', tool: 'claim_next_run', save: 'claim' },
  { type: 'mcp_call', tool: 'spawn_worker', args: { runId: '{{claim.run.id}}', claimToken: '{{claim.claimToken}}' }, save: 'spawned' },
  { type: 'mcp_call', tool: 'wait_for_changes', args: { timeoutSeconds: 60 }, save: 'changes' },
  { type: 'mcp_call', tool: 'worker_status', args: { sessionId: '{{spawned.worker.id}}' }, save: 'status' },
  { type: 'mcp_call', tool: 'complete_run', args: { runId: '{{claim.run.id}}', claimToken: '{{claim.claimToken}}', summary: 'Worker said: {{status.lastMessages.0}}' } },
  { type: 'text', text: 'Run completed.' },
] as const;
