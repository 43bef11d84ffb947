/**
 * Approval policies: how much of what an agent asks Baton answers by itself,
 * per project and per session (a session's own policy, else its project's).
 * Pure rules here; main applies them where permission requests arrive
 * (src/main/sessions/auto-answer.ts). ADR 0016.
 */

/** `ask`: a person answers every request; `edits`: Baton allows file edits (and reads) inside the session's folder; `all`: Baton allows anything the agent offers to allow. */
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

/** Kinds that touch files: under `edits` they are allowed only for paths inside the session's folder. */
const FILE_TOOL_KINDS: readonly string[] = ['edit', 'read', 'search'];

/** What a permission request says about itself: its tool's kind (ACP ToolKind) and the absolute paths it names. */
export interface RequestScope {
  toolKind: string | null | undefined;
  /** `toolCall.locations[].path`; none given reads as "anywhere". */
  paths: readonly string[];
  /** The session's folder (its worktree, or the project's checkout for an orchestrator). */
  cwd: string;
}

/** Whether `to` is `cwd` or inside it, lexically (a request's paths are the agent's word; nothing is read from disk). */
export function insideFolder(cwd: string, to: string): boolean {
  const norm = (p: string) => {
    const out: string[] = [];
    for (const part of p.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return `/${out.join('/')}`;
  };
  if (!to.startsWith('/') || !cwd.startsWith('/')) return false;
  const base = norm(cwd);
  const target = norm(to);
  return target === base || target.startsWith(base === '/' ? '/' : `${base}/`);
}

/**
 * Whether `policy` lets Baton allow this request. `edits` covers the edit kinds
 * (absent reads as `other`), and for those that touch files, only when the
 * request names its paths and every one is inside the session's folder: an edit
 * of ~/.bashrc or a read of ~/.ssh is a person's call, whatever the policy says.
 */
export function policyCovers(policy: ApprovalPolicy, scope: RequestScope): boolean {
  if (policy === 'all') return true;
  if (policy !== 'edits') return false;
  const kind = scope.toolKind ?? 'other';
  if (!EDIT_TOOL_KINDS.includes(kind)) return false;
  if (!FILE_TOOL_KINDS.includes(kind)) return true;
  return scope.paths.length > 0 && scope.paths.every((p) => insideFolder(scope.cwd, p));
}

export const isApprovalPolicy = (v: unknown): v is ApprovalPolicy => typeof v === 'string' && (APPROVAL_POLICIES as readonly string[]).includes(v);
