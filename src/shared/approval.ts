/**
 * Approval policies: how much of what an agent asks Baton answers by itself,
 * per project and per session (a session's own policy, else its project's).
 * Pure rules here; main applies them where permission requests arrive
 * (src/main/sessions/auto-answer.ts). ADR 0016.
 */

/** `ask`: a person answers every request; `edits`: Baton allows file edits (and reads); `all`: Baton allows anything the agent offers to allow. */
export const APPROVAL_POLICIES = ['ask', 'edits', 'all'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export const APPROVAL_POLICY_LABEL: Record<ApprovalPolicy, string> = {
  ask: 'Ask',
  edits: 'Auto-approve edits',
  all: 'Auto-approve everything',
};

/**
 * The ACP tool kinds (ToolKind) the `edits` policy allows: changing files in
 * the worktree and looking around it. Not `delete` or `move` (they lose or
 * relocate work), not `execute` or `fetch` (they run anything or reach the
 * network), not `switch_mode` or `other` (nothing says what they do).
 */
export const EDIT_TOOL_KINDS: readonly string[] = ['edit', 'read', 'search', 'think'];

/** The policy in force: the session's own when it has one, else its project's. */
export function effectivePolicy(session: ApprovalPolicy | null | undefined, project: ApprovalPolicy | null | undefined): ApprovalPolicy {
  return session ?? project ?? 'ask';
}

/** Whether `policy` lets Baton allow a request about a tool of this kind (ACP ToolKind; absent reads as `other`). */
export function policyCovers(policy: ApprovalPolicy, toolKind: string | null | undefined): boolean {
  if (policy === 'all') return true;
  if (policy === 'edits') return EDIT_TOOL_KINDS.includes(toolKind ?? 'other');
  return false;
}

export const isApprovalPolicy = (v: unknown): v is ApprovalPolicy => typeof v === 'string' && (APPROVAL_POLICIES as readonly string[]).includes(v);
