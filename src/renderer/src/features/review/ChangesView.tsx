/** A session's Changes tab: the file tree, the diff, review comments and commit / merge / PR. */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import type { DiffScope } from '../../../../shared/contracts/review';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { Spinner } from '../../ui/feedback';
import { CommentTray } from './CommentTray';
import { useReview } from './context';
import { FileList } from './FileList';
import { LandPanel } from './LandPanel';
import { statText, treeOrder } from './selectors';

// The diff library (and its highlighter) loads with the first Changes view, not with the board.
const DiffList = lazy(() => import('./DiffList'));

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
        {diff?.view && (
          <span className="small" data-testid="changes-summary">
            {statText({ files: diff.view.files.length, additions: diff.view.additions, deletions: diff.view.deletions })}
            <span className="muted">
              {' '}
              · {diff.view.branch} vs {scope === 'all' ? diff.view.base : scope === 'uncommitted' ? 'HEAD' : 'last turn'}
            </span>
          </span>
        )}
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
        <div className="review-main">
          {diff?.view && files.length === 0 && <div className="empty-inline">No changes in this scope.</div>}
          {!diff?.view && diff?.loading && (
            <div className="empty-inline">
              <Spinner /> Reading the changes from git…
            </div>
          )}
          {files.length > 0 && (
            <Suspense
              fallback={
                <div className="empty-inline">
                  <Spinner /> Loading the diff viewer…
                </div>
              }
            >
              <DiffList sessionId={session.id} from={diff?.view?.from ?? ''} files={files} />
            </Suspense>
          )}
        </div>
      </div>
    </div>
  );
}
