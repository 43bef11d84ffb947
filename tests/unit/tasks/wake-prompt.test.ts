import { describe, expect, it } from 'vitest';
import { agentToolName } from '../../../src/shared/baton-tools';
import { HARNESS_IDS } from '../../../src/shared/harness';
import { wakePrompt } from '../../../src/main/tasks/wake-prompt';
import type { WakeReason } from '../../../src/main/tasks/wakes-repository';

const REASONS: WakeReason[] = [{ kind: 'enqueued', runId: 'r1', title: 'Add a feature', at: '2026-01-01T00:00:00.000Z' }];

describe('the wake prompt names the tools as the agent sees them', () => {
  it.each([
    ['claude-code', 'mcp__baton__list_tasks', 'mcp__baton__claim_next_run', 'mcp__baton__worker_status'],
    ['codex', 'mcp__baton__list_tasks', 'mcp__baton__claim_next_run', 'mcp__baton__worker_status'],
    ['gemini', 'mcp_baton_list_tasks', 'mcp_baton_claim_next_run', 'mcp_baton_worker_status'],
    ['custom', 'list_tasks', 'claim_next_run', 'worker_status'],
  ])('%s', (harness, list, claim, status) => {
    const p = wakePrompt(REASONS, harness);
    expect(p.split('\n')).toEqual(['(Baton) Wake-up: 1 new run.', '- enqueued: Add a feature (run r1)', `Read the queue with ${list}, claim work with ${claim}, and check finished workers with ${status}.`]);
  });

  it('covers every harness Baton knows, and names no tool in another harness\'s form', () => {
    for (const h of HARNESS_IDS) {
      const p = wakePrompt(REASONS, h);
      expect(p).toContain(agentToolName(h, 'list_tasks'));
      if (h !== 'claude-code' && h !== 'codex') expect(p).not.toContain('mcp__');
      if (h !== 'gemini') expect(p).not.toMatch(/\bmcp_baton_/);
    }
  });
});
