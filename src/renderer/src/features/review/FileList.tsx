/** The changed files as a virtualized tree, with status, +/− and the pick for a commit. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { DiffFileView } from '../../../../shared/contracts/review';
import { useReview } from './context';
import { fileBadge, fileTree } from './selectors';

const ROW = 26;

/**
 * The changed files as a tree, each with its status and +/−; a click shows
 * its diff, a checkbox picks it for a commit of selected files. Virtualized:
 * thousands of files cost a screenful of rows.
 */
export function FileList({ files, selected, onToggle }: { files: DiffFileView[]; selected: ReadonlySet<string>; onToggle(path: string): void }) {
  const rows = useMemo(() => fileTree(files), [files]);
  const focusFile = useReview((s) => s.focusFile);
  const focused = useReview((s) => s.focus?.path ?? null);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  return (
    <div className="review-files" ref={scroller} role="tree" aria-label="Changed files" data-testid="review-files" style={{ height: rows.length * ROW + 8 }}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const style = { transform: `translateY(${item.start}px)`, height: ROW, paddingLeft: 8 + row.depth * 14 };
          if (row.kind === 'dir')
            return (
              <div key={`d:${row.path}`} className="review-tree-row review-tree-dir" style={style} role="treeitem" aria-level={row.depth + 1} title={row.path}>
                <span className="muted">▾</span> <span className="mono small">{row.name}/</span>
              </div>
            );
          const f = row.file;
          const badge = fileBadge(f);
          return (
            <div
              key={`f:${f.path}`}
              className={`review-tree-row ${focused === f.path ? 'review-tree-row-active' : ''}`}
              style={style}
              role="treeitem"
              aria-level={row.depth + 1}
              data-testid="review-file-row"
              data-path={f.path}
            >
              <input type="checkbox" checked={selected.has(f.path)} onChange={() => onToggle(f.path)} aria-label={`Select ${f.path} for the commit`} />
              <span className={`review-badge review-badge-${badge.letter}`} title={badge.label}>
                {badge.letter}
              </span>
              <button className="review-tree-name mono small" title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path} onClick={() => focusFile(f.path)}>
                {row.name}
              </button>
              {f.binary ? (
                <span className="muted small">bin</span>
              ) : (
                <span className="review-counts mono small">
                  <span className="review-add">+{f.additions ?? 0}</span> <span className="review-del">−{f.deletions ?? 0}</span>
                </span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
