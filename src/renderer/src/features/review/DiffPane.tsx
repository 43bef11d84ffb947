/** The parts of a changes view that a session's Changes tab and a worktree's changes share: the summary line and the diff pane. */
import { Suspense } from 'react';
import type { DiffFileView, DiffView } from '../../../../shared/contracts/review';
import { Spinner } from '../../ui/feedback';
import type { DiffSubject } from './DiffList';
import { DiffList } from './diff-list-loader';
import { statText } from './selectors';


/** "3 files +10 −2 · branch vs base": what the diff holds and what it is against. */
export function DiffSummary({ view, against, testId }: { view: DiffView; against: string; testId: string }) {
  return (
    <span className="small" data-testid={testId}>
      {statText({ files: view.files.length, additions: view.additions, deletions: view.deletions })}
      <span className="muted">
        {' '}
        · {view.branch} vs {against}
      </span>
    </span>
  );
}

/**
 * The diff itself, or why there is none. `loading` says a first read is under
 * way; the worktree view leaves it out, its toolbar's spinner says so.
 */
export function DiffPane({ subject, view, files, loading }: { subject: DiffSubject; view: DiffView | null | undefined; files: DiffFileView[]; loading?: boolean }) {
  return (
    <div className="review-main">
      {view && files.length === 0 && <div className="empty-inline">No changes in this scope.</div>}
      {!view && loading && (
        <div className="empty-inline">
          <Spinner /> Reading the changes from git…
        </div>
      )}
      {/* The diff library (and its highlighter) loads with the first changes view, not with the board. */}
      {files.length > 0 && (
        <Suspense
          fallback={
            <div className="empty-inline">
              <Spinner /> Loading the diff viewer…
            </div>
          }
        >
          <DiffList.Component subject={subject} from={view?.from ?? ''} files={files} />
        </Suspense>
      )}
    </div>
  );
}
