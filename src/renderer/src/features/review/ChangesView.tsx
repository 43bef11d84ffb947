/** A session's Changes tab: the file tree, the diff, review comments and commit / merge / PR. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DiffScope } from '../../../../shared/contracts/review';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { Spinner } from '../../ui/feedback';
import { CommentTray } from './CommentTray';
import { useReview } from './context';
import { DiffPane, DiffSummary } from './DiffPane';
import { FileList } from './FileList';
import { LandPanel } from './LandPanel';
import { treeOrder } from './selectors';

const SCOPES: { id: DiffScope; label: string; title: string }[] = [
  { id: 'all', label: 'All changes', title: 'Everything on this branch and in its worktree, against where it left the base branch' },
  { id: 'uncommitted', label: 'Uncommitted', title: 'Only what is not committed yet' },
  { id: 'since_turn', label: 'Since last turn', title: 'What changed since the agent last ended a turn' },
];

/** A session's changes: the file tree, the diff, review comments to the agent, and commit / merge / PR. */
export function ChangesView({ session }: { session: SessionSummary }) {
  const diff = useReview((s) => (s.diff?.sessionId === session.id ? s.diff : null));
  const scope = useReview((s) => s.scope);
  const mode = useReview((s) => s.mode);
  const setScope = useReview((s) => s.setScope);
  const setMode = useReview((s) => s.setMode);
  const loadDiff = useReview((s) => s.loadDiff);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const files = useMemo(() => treeOrder(diff?.view?.files ?? []), [diff?.view]);
  // One object per session: the memoized file rows compare it by reference, so a store event does not re-render them.
  const subject = useMemo(() => ({ sessionId: session.id }), [session.id]);

  // A turn that just ended may have changed everything: read the diff again (once per turn end, not on every event).
  const previous = useRef(session.state);
  useEffect(() => {
    const was = previous.current;
    previous.current = session.state;
    if (session.state === 'idle' && was !== 'idle') void loadDiff(session.id);
  }, [session.state, session.id, loadDiff]);

  // A selection of files no longer in the list is dropped, so Commit never names a file that is gone.
  const paths = useMemo(() => new Set(files.map((f) => f.path)), [files]);
  const picked = useMemo(() => [...selected].filter((p) => paths.has(p)), [selected, paths]);

  return (
    <div className="review-view" data-testid="changes-view">
      <div className="review-toolbar">
        <div className="segmented" role="radiogroup" aria-label="Scope">
          {SCOPES.map((s) => (
            <button key={s.id} role="radio" aria-checked={scope === s.id} className="segmented-item" title={s.title} onClick={() => setScope(s.id)}>
              {s.label}
            </button>
          ))}
        </div>
        <div className="segmented" role="radiogroup" aria-label="Layout">
          {(['unified', 'split'] as const).map((m) => (
            <button key={m} role="radio" aria-checked={mode === m} className="segmented-item" onClick={() => setMode(m)}>
              {m === 'unified' ? 'Unified' : 'Split'}
            </button>
          ))}
        </div>
        {diff?.view && <DiffSummary view={diff.view} against={scope === 'all' ? diff.view.base : scope === 'uncommitted' ? 'HEAD' : 'last turn'} testId="changes-summary" />}
        {diff?.view?.truncated && <span className="pill pill-warn" title="Some files' diffs were left out to keep the view responsive; narrow the scope to see them">partial</span>}
        <span className="statusbar-spacer" />
        {diff?.loading && <Spinner />}
        <button className="btn btn-sm" onClick={() => void loadDiff(session.id)} disabled={diff?.loading}>
          Refresh
        </button>
      </div>
      {diff?.error && (
        <div className="banner" role="alert">
          {diff.error}
        </div>
      )}
      <div className="review-body">
        <aside className="review-side">
          {files.length > 0 && (
            <FileList
              files={files}
              selected={new Set(picked)}
              onToggle={(p) =>
                setSelected((cur) => {
                  const next = new Set(cur);
                  if (!next.delete(p)) next.add(p);
                  return next;
                })
              }
            />
          )}
          <CommentTray session={session} />
          <LandPanel session={session} selected={picked} />
        </aside>
        <DiffPane subject={subject} view={diff?.view} files={files} loading={diff?.loading} />
      </div>
    </div>
  );
}
