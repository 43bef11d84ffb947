/** The changes of a worktree no session holds, from the Worktrees tab: the file tree and the diff, read-only. */
import { useEffect, useMemo } from 'react';
import type { WorktreeView } from '../../../../shared/contracts/worktrees';
import { Spinner } from '../../ui/feedback';
import { useReview } from './context';
import { DiffPane, DiffSummary } from './DiffPane';
import { FileList } from './FileList';
import { treeOrder } from './selectors';

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
  const subject = useMemo(() => ({ worktreeId: worktree.id }), [worktree.id]);

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
        {wd?.view && <DiffSummary view={wd.view} against={scope === 'all' ? wd.view.base : 'HEAD'} testId="worktree-changes-summary" />}
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
        <DiffPane subject={subject} view={wd?.view} files={files} />
      </div>
    </section>
  );
}
