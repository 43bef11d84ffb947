import type { RequestPermissionResponse } from '@agentclientprotocol/sdk';
import { z } from 'zod';
import { AUTO_ANSWER_META_KEY, BATON_MCP_SERVER, agentToolName, type AutoAnswerReason } from '../../shared/baton-tools';
import { policyCovers, type ApprovalPolicy } from '../../shared/approval';
import { isObject } from '../../shared/journal';
import { ORCHESTRATOR_TOOL_NAMES, ORCHESTRATOR_TOOLS, type OrchestratorToolName } from '../../shared/tools';

/**
 * Baton's own tools (its MCP server, scoped to the caller's project) need no
 * person's approval: Baton answers their permission requests itself. Anything
 * else, however alike, is left to a person, unless the session's approval
 * policy (Auto-approve edits / everything) covers the tool's kind.
 */

/**
 * The Baton tool a permission request is for, or null. Strict on purpose:
 * the session must have been given Baton's server, the title must be the
 * exact qualified name (`mcp__baton__<tool>`, as claude-agent-acp titles an
 * MCP tool), the kind "other" (Claude Code titles a shell command by the
 * command itself, so a Bash call of `mcp__baton__x` has kind "execute"), and
 * the raw input must be exactly what that tool takes.
 */
export function batonToolOf(params: unknown, servers: readonly string[]): OrchestratorToolName | null {
  if (!servers.includes(BATON_MCP_SERVER) || !isObject(params) || !isObject(params.toolCall)) return null;
  const tc = params.toolCall;
  if (tc.kind !== undefined && tc.kind !== null && tc.kind !== 'other') return null;
  const name = ORCHESTRATOR_TOOL_NAMES.find((n) => tc.title === agentToolName('claude-code', n));
  if (!name || !isObject(tc.rawInput)) return null;
  return z.strictObject(ORCHESTRATOR_TOOLS[name].input.shape).safeParse(tc.rawInput).success ? name : null;
}

/** Allow once when the agent offers it (nothing is remembered on our behalf), else allow always. */
export function allowOption(params: unknown): string | null {
  const options = isObject(params) && Array.isArray(params.options) ? params.options.filter(isObject) : [];
  const pick = options.find((o) => o.kind === 'allow_once') ?? options.find((o) => o.kind === 'allow_always');
  return typeof pick?.optionId === 'string' ? pick.optionId : null;
}

/**
 * The answer Baton gives by itself, or null when a person must answer. It is
 * sent like any answer (through the host, so it is journaled) and marked in
 * `_meta`, so the transcript shows it as Baton's.
 */
export function autoAnswer(params: unknown, servers: readonly string[], policy: ApprovalPolicy = 'ask', cwd = ''): RequestPermissionResponse | null {
  const reason = autoAnswerReason(params, servers, policy, cwd);
  if (!reason) return null;
  const optionId = allowOption(params);
  if (!optionId) return null;
  return { outcome: { outcome: 'selected', optionId }, _meta: { [AUTO_ANSWER_META_KEY]: reason } };
}

/** Why Baton may answer a request itself: its own tool first, else the approval policy's cover of the tool's kind. */
function autoAnswerReason(params: unknown, servers: readonly string[], policy: ApprovalPolicy, cwd: string): AutoAnswerReason | null {
  if (batonToolOf(params, servers)) return 'baton_tool';
  if (policy === 'ask') return null;
  const tc = isObject(params) && isObject(params.toolCall) ? params.toolCall : null;
  const kind = tc && typeof tc.kind === 'string' ? tc.kind : null;
  const locations = tc && Array.isArray(tc.locations) ? tc.locations : [];
  // A location without a readable path is a path nobody can vouch for: it fails the inside-the-folder rule.
  const paths = locations.map((l) => (isObject(l) && typeof l.path === 'string' ? l.path : ''));
  return policyCovers(policy, { toolKind: kind, paths, cwd }) ? (policy === 'all' ? 'policy_all' : 'policy_edits') : null;
}

/**
 * Claude Code's own way, where it has one: Baton's tools pre-allowed in the
 * session's options (claude-agent-acp passes `_meta.claudeCode.options` on to
 * the Claude Agent SDK), so it does not ask at all. The answer above stays the
 * path for every other agent and for a Claude Code that asks anyway.
 */
export function sessionMetaFor(harness: string, servers: readonly string[]): Record<string, unknown> | undefined {
  if (harness !== 'claude-code' || !servers.includes(BATON_MCP_SERVER)) return undefined;
  return { claudeCode: { options: { allowedTools: ORCHESTRATOR_TOOL_NAMES.map((n) => agentToolName('claude-code', n)) } } };
}
