import type { HarnessId } from './harness';

/** The name Baton registers its MCP server under (session/new, /load, /resume). */
export const BATON_MCP_SERVER = 'baton';

/**
 * How a harness shows an MCP tool to its model. Claude Code and Codex qualify
 * it as `mcp__<server>__<tool>`; Gemini CLI as `mcp_<server>_<tool>`; a custom
 * agent is assumed to use the tool's own name, as MCP lists it.
 */
export function agentToolName(harness: HarnessId | string, tool: string, server = BATON_MCP_SERVER): string {
  switch (harness) {
    case 'claude-code':
    case 'codex':
      return `mcp__${server}__${tool}`;
    case 'gemini':
      return `mcp_${server}_${tool}`;
    default:
      return tool;
  }
}

/**
 * Baton answers the permission requests of its own tools itself. The answer
 * it sends carries this `_meta` key, so the journal (and every transcript
 * folded from it) tells an automatic answer from a person's.
 */
export const AUTO_ANSWER_META_KEY = 'batonAutoAnswer';

/** `baton_tool`: Baton's own tool; `policy_edits` / `policy_all`: the session's approval policy (src/shared/approval.ts). */
export const AUTO_ANSWER_REASONS = ['baton_tool', 'policy_edits', 'policy_all'] as const;
export type AutoAnswerReason = (typeof AUTO_ANSWER_REASONS)[number];

/** What the transcript says in place of a person's choice. */
export const AUTO_ANSWER_LABEL: Record<AutoAnswerReason, string> = {
  baton_tool: 'allowed: Baton tool',
  policy_edits: 'auto-approved (policy: Auto-approve edits)',
  policy_all: 'auto-approved (policy: Auto-approve everything)',
};

export const isAutoAnswerReason = (v: unknown): v is AutoAnswerReason => typeof v === 'string' && (AUTO_ANSWER_REASONS as readonly string[]).includes(v);
