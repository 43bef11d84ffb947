/** Commit, Merge and Push & PR for one session, each with its outcome. */
import { useMemo, useState } from 'react';
import { MERGE_MODES } from '../../../../shared/contracts/review';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { buildTranscript } from '../../../../shared/transcript';
import { useBaton, useServices } from '../../app/react';
import { commitOutcome, defaultCommitMessage, lastAgentSummary, mergeOutcome, prOutcome, type Outcome } from './selectors';

const NO_RECORDS: never[] = [];
type Mode = (typeof MERGE_MODES)[number];
const MODE_LABEL: Record<Mode, string> = { merge: 'Merge commit', squash: 'Squash', rebase: 'Rebase' };

/** Commit, Merge and Push & PR for one session; each shows what happened, or what failed and what to do. */
export function LandPanel({ session, selected }: { session: SessionSummary; selected: readonly string[] }) {
  const { api } = useServices();
  const records = useBaton((s) => s.records[session.id] ?? NO_RECORDS);
  const summary = useMemo(() => lastAgentSummary(buildTranscript(records).items), [records]);
  const [message, setMessage] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('merge');
  const [busy, setBusy] = useState<'commit' | 'merge' | 'resolve' | 'pr' | null>(null);
  const [outcome, setOutcome] = useState<(Outcome & { what: string; conflict?: boolean }) | null>(null);
  const text = message ?? defaultCommitMessage(session.title, summary);

  async function step<T>(what: 'commit' | 'merge' | 'resolve' | 'pr', call: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>, show: (v: T) => Outcome & { conflict?: boolean }) {
    setBusy(what);
    setOutcome(null);
    const r = await call;
    setBusy(null);
    setOutcome(r.ok ? { ...show(r.value), what } : { kind: 'error', what, text: `${r.error.message}` });
  }

  return (
    <div className="review-land" data-testid="review-land">
      <form
        className="review-land-commit"
        onSubmit={(e) => {
          e.preventDefault();
          void step('commit', api.review.commit({ sessionId: session.id, message: text, ...(selected.length ? { paths: [...selected] } : {}) }), (v) => {
            if (v.status === 'committed') setMessage(null);
            return commitOutcome(v);
          });
        }}
      >
        <label className="small muted" htmlFor={`commit-msg-${session.id}`}>
          Commit message
        </label>
        <textarea id={`commit-msg-${session.id}`} className="input mono" rows={3} value={text} onChange={(e) => setMessage(e.target.value)} />
        <button className="btn btn-sm btn-primary" type="submit" disabled={busy !== null || !text.trim()}>
          {busy === 'commit' ? 'Committing…' : selected.length ? `Commit ${selected.length} selected` : 'Commit all'}
        </button>
      </form>
      <div className="review-land-row">
        <select className="input input-sm" value={mode} onChange={(e) => setMode(e.target.value as Mode)} aria-label="Merge mode">
          {MERGE_MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_LABEL[m]}
            </option>
          ))}
        </select>
        <button className="btn btn-sm" disabled={busy !== null} onClick={() => void step('merge', api.review.merge({ sessionId: session.id, mode }), (v) => ({ ...mergeOutcome(v), conflict: v.status === 'conflict' }))}>
          {busy === 'merge' ? 'Merging…' : 'Merge into base'}
        </button>
        <button className="btn btn-sm" disabled={busy !== null} onClick={() => void step('pr', api.review.pr({ sessionId: session.id }), prOutcome)}>
          {busy === 'pr' ? 'Pushing…' : 'Push & PR'}
        </button>
      </div>
      {outcome && (
        <div className={`review-outcome review-outcome-${outcome.kind}`} role={outcome.kind === 'error' ? 'alert' : 'status'} data-testid={`review-outcome-${outcome.what}`}>
          <div>
            {outcome.text}{' '}
            {outcome.link && (
              <a href={outcome.link} target="_blank" rel="noreferrer" className="mono">
                {outcome.link}
              </a>
            )}
          </div>
          {outcome.files && outcome.files.length > 0 && (
            <ul className="review-outcome-files mono small" data-testid="review-outcome-files">
              {outcome.files.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          )}
          {outcome.detail && <pre className="review-outcome-detail">{outcome.detail}</pre>}
          {outcome.conflict && (
            <button
              className="btn btn-sm btn-primary"
              disabled={busy !== null || session.state !== 'idle'}
              title={session.state !== 'idle' ? 'The agent takes it once it is idle.' : undefined}
              onClick={() =>
                void step('resolve', api.review.resolveConflicts({ sessionId: session.id }), (v) =>
                  v.status === 'clean'
                    ? { kind: 'ok', text: 'The branch rebased onto the base without conflicts; merge again.' }
                    : { kind: 'ok', text: 'Asked the agent to resolve the conflicts in these files; merge again once its turn ends.', files: v.files },
                )
              }
            >
              {busy === 'resolve' ? 'Asking…' : 'Ask the agent to resolve'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
