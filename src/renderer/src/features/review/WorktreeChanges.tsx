/** The changes of a worktree no session holds, from the Worktrees tab: the file tree and the diff, read-only. */
import { lazy, Suspense, useEffect, useMemo } from 'react';
import type { WorktreeView } from '../../../../shared/contracts/worktrees';
import { Spinner } from '../../ui/feedback';
import { useReview } from './context';
import { FileList } from './FileList';
import { statText, treeOrder } from './selectors';

const DiffList = lazy(() => import('./DiffList'));

/**
 * Against the branch it was made from, committed and uncommitted together (or
 * uncommitted only). No comments and no landing here: those go to an agent
 * or through a session; a person working in this worktree commits there.
 */
export function WorktreeChanges({ worktree, onClose }: { worktree: WorktreeView; onClose(): void }) {
  const wd = useReview((s) => (s.worktreeDiff?.worktreeId === worktree.id ? s.worktreeDiff : null));
  const show = useReview((s) => s.showWorktreeDiff);
  const files = useMemo(() => treeOrder(wd?.view?.files ?? []), [wd?.view]);
  const scope = wd?.scope ?? 'all';

  useEffect(() => {
    void show(worktree.id);
    return () => void show(null);
  }, [worktree.id, show]);

  return (
    <section className="review-view review-worktree" data-testid="worktree-changes" aria-label={`Changes in worktree ${worktree.name}`}>
      <div className="review-toolbar">
        <strong>{worktree.name}</strong>
        <div className="segmented" role="radiogroup" aria-label="Scope">
          {(['all', 'uncommitted'] as const).map((s) => (
            <button key={s} role="radio" aria-checked={scope === s} className="segmented-item" onClick={() => void show(worktree.id, s)}>
              {s === 'all' ? 'All changes' : 'Uncommitted'}
            </button>
          ))}
        </div>
        {wd?.view && (
          <span className="small" data-testid="worktree-changes-summary">
            {statText({ files: wd.view.files.length, additions: wd.view.additions, deletions: wd.view.deletions })}
            <span className="muted">
              {' '}
              · {wd.view.branch} vs {scope === 'all' ? wd.view.base : 'HEAD'}
            </span>
          </span>
        )}
        <span className="statusbar-spacer" />
        {wd?.loading && <Spinner />}
        <button className="btn btn-sm" onClick={() => void show(worktree.id, scope)} disabled={wd?.loading}>
          Refresh
        </button>
        <button className="btn btn-sm" onClick={onClose}>
          Close
        </button>
      </div>
      {wd?.error && (
        <div className="banner" role="alert">
          {wd.error}
        </div>
      )}
      <div className="review-body">
        <aside className="review-side">{files.length > 0 && <FileList files={files} />}</aside>
        <div className="review-main">
          {wd?.view && files.length === 0 && <div className="empty-inline">No changes in this scope.</div>}
          {files.length > 0 && (
            <Suspense
              fallback={
                <div className="empty-inline">
                  <Spinner /> Loading the diff viewer…
                </div>
              }
            >
              <DiffList subject={{ worktreeId: worktree.id }} from={wd?.view?.from ?? ''} files={files} />
            </Suspense>
          )}
        </div>
      </div>
    </section>
  );
}
