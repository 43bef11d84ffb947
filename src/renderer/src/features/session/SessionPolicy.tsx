/** The session header's approval control: this session's own policy, or its project's (ADR 0016), over sessions.setApprovalPolicy. */
import { useEffect, useState } from 'react';
import { APPROVAL_POLICIES, APPROVAL_POLICY_LABEL, isApprovalPolicy, type ApprovalPolicy } from '../../../../shared/approval';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { createSubscribe } from '../../api/client';
import { useServices } from '../../app/react';

/** The select's value for "follow the project": not a policy name, so it can never be sent as one. */
const INHERIT = 'project';

export function SessionPolicy({ session, onError }: { session: SessionSummary; onError: (message: string) => void }) {
  const { api, transport } = useServices();
  const [projectPolicy, setProjectPolicy] = useState<ApprovalPolicy | null>(null);
  const [saving, setSaving] = useState(false);
  const projectId = session.projectId;

  // The project's policy is named in "Project default (…)": read, and read again when the project changes.
  useEffect(() => {
    let live = true;
    const read = (): void =>
      void api.projects.get({ id: projectId }).then((r) => {
        if (live && r.ok) setProjectPolicy(r.value.approvalPolicy);
      });
    read();
    const off = createSubscribe(transport)('projects.changed', (e) => {
      if (!e.projectId || e.projectId === projectId) read();
    });
    const offResync = transport.onResync(read);
    return () => {
      live = false;
      off();
      offResync();
    };
  }, [api, transport, projectId]);

  const own = session.approvalPolicy ?? null;
  async function choose(value: string): Promise<void> {
    const policy = isApprovalPolicy(value) ? value : null;
    if (policy === own) return;
    setSaving(true);
    const r = await api.sessions.setApprovalPolicy({ id: session.id, policy });
    setSaving(false);
    // The header follows sessions.changed; only a refusal needs saying.
    if (!r.ok) onError(`The approval policy was not changed: ${r.error.message}`);
  }

  return (
    <label className="session-policy small" title="What Baton approves by itself in this session; each automatic answer is journaled and shown as auto-approved. Requests waiting now are answered at once when the new policy covers them.">
      <span className="muted">Approvals</span>
      <select className="input input-sm" aria-label="Session approval policy" data-testid="session-policy" value={own ?? INHERIT} disabled={saving} onChange={(e) => void choose(e.target.value)}>
        <option value={INHERIT}>Project default{projectPolicy ? ` (${APPROVAL_POLICY_LABEL[projectPolicy]})` : ''}</option>
        {APPROVAL_POLICIES.map((p) => (
          <option key={p} value={p}>
            {APPROVAL_POLICY_LABEL[p]}
          </option>
        ))}
      </select>
    </label>
  );
}
