/** A worker card's change at a glance (files, +/−, merged, PR), read from main's cache. */
import { useEffect } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { useReview } from './context';

/**
 * A worker card's change at a glance: files and +/−, Merged with the short
 * commit, the PR link. Read from main's cache (one git read per worktree per
 * turn end), so a board of idle sessions costs no git process.
 */
export function CardStat({ session }: { session: SessionSummary }) {
  const stat = useReview((s) => s.stats[session.id] ?? null);
  const loadStat = useReview((s) => s.loadStat);
  const reviewable = session.role === 'worker' && session.worktreePath !== null;
  useEffect(() => {
    if (reviewable) void loadStat(session.id, 'once');
  }, [reviewable, session.id, loadStat]);
  if (!reviewable || !stat) return null;
  // Never read (its worktree is gone, say): nothing to show rather than a zero that means nothing.
  if (stat.error && !stat.at && !stat.merged && !stat.pr) return null;
  return (
    <div className="review-card-stat small" data-testid="card-stat">
      {stat.files > 0 ? (
        <span data-testid="card-stat-counts" title={`${stat.files} changed files against the base branch`}>
          {stat.files} {stat.files === 1 ? 'file' : 'files'} <span className="review-add mono">+{stat.additions}</span> <span className="review-del mono">−{stat.deletions}</span>
        </span>
      ) : (
        <span className="muted">{stat.merged ? 'No changes since the merge' : 'No changes yet'}</span>
      )}
      {stat.merged && (
        <span className="pill pill-ok" data-testid="card-merged" title={`Merged into ${stat.merged.base} (${stat.merged.mode})`}>
          Merged {stat.merged.commit.slice(0, 7)}
        </span>
      )}
      {stat.pr && (
        // The card's title button stretches over the card; the link sits above it (see review.css).
        <a className="review-card-link small" href={stat.pr.url} target="_blank" rel="noreferrer" data-testid="card-pr">
          {stat.pr.kind === 'created' ? 'Pull request' : 'Open a PR'} ↗
        </a>
      )}
      {stat.error && (
        <span className="muted" title={stat.error}>
          (counts may be stale)
        </span>
      )}
    </div>
  );
}
