/** A project's Worktrees tab: create one, who holds each, Release, and the preserved refs with Restore. */
import { useEffect, useState } from 'react';
import type { WorktreeView } from '../../../../shared/contracts/worktrees';
import { WORKTREE_STATUS_LABELS } from '../../../../shared/worktrees';
import { heldByLabel, preservedOwner, releaseOutcome, selectWorktreePanel, type ReleaseOutcome } from './worktrees';
import { useBaton, useServices } from '../../app/react';
import { OpenChangesButton, WorktreeChanges } from '../review';
import { TerminalsPanel } from '../terminals';

const STATUS_TONE: Record<WorktreeView['status'], string> = {
  active: 'pill-ok',
  missing: 'pill-warn',
  releasing: 'pill-muted',
  release_failed: 'pill-danger',
  released: 'pill-muted',
};

export function WorktreesPanel({ projectId }: { projectId: string }) {
  const { api } = useServices();
  const panel = useBaton(selectWorktreePanel(projectId));
  const loadError = useBaton((s) => s.worktreeErrors[projectId] ?? null);
  const load = useBaton((s) => s.loadWorktrees);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [restoreTarget, setRestoreTarget] = useState<Record<string, string>>({});
  /** A release refused because a session holds the worktree: its message, and the offer to stop that session first. */
  const [refused, setRefused] = useState<{ worktreeId: string; message: string } | null>(null);
  /** Whose terminals show below the table: a worktree's id, 'main' (the project's own checkout), or none. */
  const [terminalsOf, setTerminalsOf] = useState<string | null>(null);
  /** The worktree (held by no session) whose changes are open below the list. */
  const [reviewing, setReviewing] = useState<string | null>(null);

  useEffect(() => {
    void load(projectId);
  }, [projectId, load]);
  // A terminal asked for (the palette): its checkout's terminals open below the table.
  const focus = useBaton((s) => s.terminalFocus);
  useEffect(() => {
    if (focus && focus.projectId === projectId) setTerminalsOf(focus.worktreeId ?? 'main');
  }, [focus, projectId]);

  async function create() {
    setBusy('create');
    setMessage(null);
    const r = await api.worktrees.create({ projectId, name: name.trim() });
    setBusy(null);
    if (r.ok) setName('');
    else setMessage({ tone: 'error', text: r.error.message });
  }

  async function release(w: WorktreeView, stopSession = false) {
    setBusy(w.id);
    setMessage(null);
    setRefused(null);
    const r = await api.worktrees.release(stopSession ? { worktreeId: w.id, stopSession: true } : { worktreeId: w.id });
    setBusy(null);
    show(releaseOutcome(w, r));
  }

  function show(outcome: ReleaseOutcome) {
    if (outcome.kind === 'in_use') setRefused({ worktreeId: outcome.worktreeId, message: outcome.text });
    else setMessage({ tone: outcome.kind, text: outcome.text });
  }

  async function restore(ref: string) {
    const target = restoreTarget[ref];
    if (!target) return;
    setBusy(ref);
    const r = await api.worktrees.restore({ worktreeId: target, ref });
    setBusy(null);
    setMessage(r.ok ? { tone: 'ok', text: `Restored ${r.value.files.length} file(s) as uncommitted changes.` } : { tone: 'error', text: r.error.message });
  }

  if (loadError) {
    return (
      <div className="banner" role="alert">
        Could not read this project&apos;s worktrees: {loadError}
        <button className="btn btn-sm" onClick={() => void load(projectId)}>
          Retry
        </button>
      </div>
    );
  }
  if (!panel) return <div className="muted">Loading worktrees…</div>;
  const active = panel.worktrees.filter((w) => w.status === 'active');

  return (
    <div className="stack" data-testid="worktrees-panel">
      <form
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <input className="input" placeholder="Worktree name, e.g. fix-login" aria-label="New worktree name" value={name} onChange={(e) => setName(e.target.value)} />
        <button className="btn btn-primary" type="submit" disabled={!name.trim() || busy === 'create'}>
          {busy === 'create' ? 'Creating…' : 'New worktree'}
        </button>
        <button className="btn" type="button" aria-pressed={terminalsOf === 'main'} onClick={() => setTerminalsOf(terminalsOf === 'main' ? null : 'main')}>
          Terminals in main checkout
        </button>
      </form>
      {message && (
        <div className={message.tone === 'error' ? 'banner' : 'banner banner-ok'} role={message.tone === 'error' ? 'alert' : 'status'}>
          {message.text}
        </div>
      )}

      {panel.worktrees.length === 0 ? (
        <div className="empty-inline">No worktrees yet. Each session gets its own; you can also create one here.</div>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Branch</th>
              <th>Path</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {panel.worktrees.map((w) => (
              <tr key={w.id} data-testid="worktree-row" data-status={w.status}>
                <td>{w.name}</td>
                <td className="mono">{w.branch}</td>
                <td className="mono truncate" title={w.path}>
                  {w.path}
                </td>
                <td>
                  <span className={`pill ${STATUS_TONE[w.status]}`}>{WORKTREE_STATUS_LABELS[w.status]}</span>
                  {w.setup.state !== 'none' && (
                    <details className="setup">
                      <summary className={w.setup.state === 'failed' ? 'error-text' : 'muted'}>
                        Setup {w.setup.state === 'running' ? 'running…' : w.setup.state === 'ok' ? 'done' : 'failed'}
                      </summary>
                      <pre className="log">{w.setup.log || '(no output yet)'}</pre>
                    </details>
                  )}
                  {w.heldBy && (
                    <div className="muted small" data-testid="worktree-held-by">
                      {heldByLabel(w.heldBy)}
                    </div>
                  )}
                  {refused?.worktreeId === w.id && (
                    <div className="row-error" role="alert" data-testid="release-refused">
                      <div>{refused.message}</div>
                      <div className="field-row">
                        <button className="btn btn-sm btn-danger" disabled={busy === w.id} onClick={() => void release(w, true)}>
                          Stop the session and release
                        </button>
                        <button className="btn btn-sm" onClick={() => setRefused(null)}>
                          Keep it
                        </button>
                      </div>
                    </div>
                  )}
                  {w.lastError && (
                    <div className="row-error" role="alert">
                      <strong>{w.lastError.kind === 'transient' ? 'Try again shortly' : 'Needs you'}:</strong> {w.lastError.message}
                      {w.lastError.gitMessage && <pre className="log">{w.lastError.gitMessage}</pre>}
                    </div>
                  )}
                </td>
                <td className="actions">
                  {w.heldBy && w.status === 'active' && <OpenChangesButton sessionId={w.heldBy.id} />}
                  {!w.heldBy && w.status === 'active' && (
                    <button className="btn btn-sm" data-testid="worktree-changes-open" aria-pressed={reviewing === w.id} onClick={() => setReviewing(reviewing === w.id ? null : w.id)}>
                      Changes
                    </button>
                  )}
                  {w.status === 'active' && (
                    <button className="btn btn-sm" aria-pressed={terminalsOf === w.id} onClick={() => setTerminalsOf(terminalsOf === w.id ? null : w.id)}>
                      Terminal
                    </button>
                  )}
                  <button className="btn btn-sm" disabled={busy === w.id} onClick={() => void release(w)}>
                    {busy === w.id ? 'Releasing…' : w.status === 'release_failed' ? 'Retry' : 'Release'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {terminalsOf && <TerminalsPanel key={terminalsOf} place={{ projectId, worktreeId: terminalsOf === 'main' ? null : terminalsOf }} />}

      {(() => {
        // Only while it is still listed and held by no session (a session that takes it over reviews it in its own tab).
        const open = panel.worktrees.find((w) => w.id === reviewing && !w.heldBy && w.status === 'active');
        return open ? <WorktreeChanges worktree={open} onClose={() => setReviewing(null)} /> : null;
      })()}

      {panel.unregistered.length > 0 && (
        <div className="banner banner-warn">
          Folders under Baton&apos;s worktree root that git does not know (left by a crash?): {panel.unregistered.join(', ')}
        </div>
      )}

      <section>
        <h3 className="section-title">Preserved work</h3>
        {panel.preserved.length === 0 ? (
          <div className="empty-inline">Nothing preserved yet. Releasing a worktree keeps its uncommitted work here.</div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Saved</th>
                <th>Ref</th>
                <th>Restore into</th>
              </tr>
            </thead>
            <tbody>
              {panel.preserved.map((p) => (
                <tr key={p.ref} data-testid="preserved-row">
                  <td title={p.date}>{new Date(p.date).toLocaleString()}</td>
                  <td className="mono truncate" title={p.message}>
                    <span data-testid="preserved-ref">{p.ref}</span>
                    <div className="muted small">{preservedOwner(p.message)}</div>
                  </td>
                  <td className="actions">
                    <select
                      className="input input-narrow"
                      aria-label="Target worktree"
                      value={restoreTarget[p.ref] ?? ''}
                      onChange={(e) => setRestoreTarget({ ...restoreTarget, [p.ref]: e.target.value })}
                    >
                      <option value="">Choose a worktree…</option>
                      {active.map((w) => (
                        <option key={w.id} value={w.id}>
                          {w.name}
                        </option>
                      ))}
                    </select>
                    <button className="btn btn-sm" disabled={!restoreTarget[p.ref] || busy === p.ref} onClick={() => void restore(p.ref)}>
                      Restore
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
