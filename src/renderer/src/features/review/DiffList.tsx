/** Every changed file's diff, virtualized by file (loaded lazily: its own chunk). */
import { DiffModeEnum, DiffViewWithMultiSelect, SplitSide, type DiffFile } from '@git-diff-view/react';
import '@git-diff-view/react/styles/diff-view-pure.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import type { DiffFileView, FileContents, ReviewCommentView } from '../../../../shared/contracts/review';
import { useServices } from '../../app/react';
import { CommentForm } from './CommentForm';
import { useReview } from './context';
import { plainLineCount, plainRuns } from './patch-lines';
import { fileBadge, languageOf, omittedText } from './selectors';
import { useColorScheme } from './theme';
import { pauseUpgrades, queueUpgrade } from './upgrade';

/**
 * The diff of every file, one under the other, virtualized by file: only the
 * files near the viewport are parsed, highlighted and in the DOM, so a
 * change of thousands of files opens and scrolls like a small one. Patches
 * come from git through the review contract; the library only lays them out
 * (and marks the changed words within paired lines).
 */

/** Past this many changed lines a file's diff waits for a click, as GitHub does: one such file must not stall the page. */
export const LARGE_DIFF_LINES = 1500;

const ROW_PX = 20;
/** A row's frame: its top padding (8), the file's border (2) and its header (33, fixed in review.css). */
const FRAME_PX = 43;
const isLarge = (f: DiffFileView) => (f.additions ?? 0) + (f.deletions ?? 0) > LARGE_DIFF_LINES;

/**
 * A file's height as its preview will measure, to the pixel: while scrolling, files show previews, so an exact
 * estimate means a measured row changes nothing, and the virtualizer does not recompute 2,000 rows' offsets
 * (and allocate them) on every frame.
 */
const estimate = (f: DiffFileView) => FRAME_PX + (f.patch && !isLarge(f) ? plainLineCount(f.patch) * ROW_PX : 48);

const EMPTY: ReviewCommentView[] = [];

/** Whose diff: a session's (commentable, comments go to its agent) or a worktree's that no session holds (read-only). */
export type DiffSubject = { sessionId: string } | { worktreeId: string };

export default function DiffList({ subject, from, files }: { subject: DiffSubject; from: string; files: DiffFileView[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const focus = useReview((s) => s.focus);
  // Once per list: the virtualizer asks for estimates often.
  const heights = useMemo(() => files.map(estimate), [files]);
  // The file at the top when the list first shows gets its full view in that first render, not a preview and a task
  // (and a frame) later: what the person opened the view to read. One file only: the rest follow one per task.
  const [eager] = useState(() => new Set(files[0] ? [files[0].path] : []));
  const v = useVirtualizer({
    count: files.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => heights[i] ?? FRAME_PX,
    overscan: 2,
    getItemKey: (i) => files[i]!.path,
  });

  useEffect(() => {
    if (!focus) return;
    const i = files.findIndex((f) => f.path === focus.path);
    if (i >= 0) v.scrollToIndex(i, { align: 'start' });
  }, [focus, files, v]);

  return (
    <div className="review-diff-scroll" ref={scroller} data-testid="diff-scroll" onScroll={pauseUpgrades}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => (
          <div key={item.key} data-index={item.index} ref={v.measureElement} className="review-diff-row" style={{ transform: `translateY(${item.start}px)` }}>
            <FileDiff subject={subject} from={from} file={files[item.index]!} eager={eager} />
          </div>
        ))}
      </div>
    </div>
  );
}

const FileDiff = memo(function FileDiff({ subject, from, file, eager }: { subject: DiffSubject; from: string; file: DiffFileView; eager: Set<string> }) {
  const { api } = useServices();
  const [collapsed, setCollapsed] = useState(false);
  const [forced, setForced] = useState(false);
  // Both sides, read on "Expand context": then the view can unfold the unchanged lines around each hunk.
  const [contents, setContents] = useState<FileContents | null>(null);
  const [expandError, setExpandError] = useState<string | null>(null);
  const [expanding, setExpanding] = useState(false);
  async function expand() {
    setExpanding(true);
    const where = { from, path: file.path, oldPath: file.oldPath };
    const r = 'sessionId' in subject ? await api.review.file({ sessionId: subject.sessionId, ...where }) : await api.review.worktreeFile({ worktreeId: subject.worktreeId, ...where });
    setExpanding(false);
    if (r.ok) setContents(r.value);
    else setExpandError(`Could not read the file to expand its context: ${r.error.message}`);
  }
  // Comments are to an agent: only a session's diff takes them.
  const sessionId = 'sessionId' in subject ? subject.sessionId : null;
  const badge = fileBadge(file);
  const why = omittedText(file);
  const large = isLarge(file) && !forced;
  let body: ReactNode;
  if (!file.patch) body = <div className="review-diff-note">{why ?? 'No line changes (a mode or rename only).'}</div>;
  else if (large)
    body = (
      <div className="review-diff-note">
        Large diff ({(file.additions ?? 0) + (file.deletions ?? 0)} changed lines), not shown by default.{' '}
        <button className="btn btn-sm" onClick={() => setForced(true)}>
          Load diff
        </button>
      </div>
    );
  else body = contents ? <PatchView sessionId={sessionId} file={file} contents={contents} /> : <UpgradingPatch sessionId={sessionId} file={file} eager={eager} />;
  return (
    <section className="review-file" data-testid="diff-file" data-path={file.path} aria-label={file.path}>
      <header className="review-file-head">
        <button className="btn btn-ghost btn-sm" aria-expanded={!collapsed} aria-label={collapsed ? `Expand ${file.path}` : `Collapse ${file.path}`} onClick={() => setCollapsed((c) => !c)}>
          {collapsed ? '▸' : '▾'}
        </button>
        <span className={`review-badge review-badge-${badge.letter}`} title={badge.label}>
          {badge.letter}
        </span>
        <span className="mono review-file-path">
          {file.oldPath && file.oldPath !== file.path ? `${file.oldPath} → ` : ''}
          {file.path}
        </span>
        <span className="statusbar-spacer" />
        {file.patch && !large && !contents && (
          <button className="btn btn-ghost btn-sm" disabled={expanding} onClick={() => void expand()} title="Read the whole file so the unchanged lines around each change can be unfolded">
            {expanding ? 'Reading…' : 'Expand context'}
          </button>
        )}
        {file.binary ? <span className="muted small">binary</span> : <Counts a={file.additions} d={file.deletions} />}
      </header>
      {expandError && (
        <div className="row-error small" role="alert">
          {expandError}
        </div>
      )}
      {!collapsed && body}
    </section>
  );
});

export function Counts({ a, d }: { a: number | null; d: number | null }) {
  return (
    <span className="review-counts mono small">
      <span className="review-add">+{a ?? 0}</span> <span className="review-del">−{d ?? 0}</span>
    </span>
  );
}

/** The plain patch lines at once, the full (highlighted, commentable) view when its turn comes: scrolling stays smooth. */
function UpgradingPatch({ sessionId, file, eager }: { sessionId: string | null; file: DiffFileView; eager: Set<string> }) {
  const [full, setFull] = useState(() => eager.has(file.path));
  // Once: the same file mounted again later (scrolled back to) starts as a preview, like every other.
  useEffect(() => {
    eager.delete(file.path);
  }, [eager, file.path]);
  // Rendered within the upgrade's own task (flushSync), not in a later one React schedules: one file per task, and no wait between.
  useEffect(() => (full ? undefined : queueUpgrade(() => flushSync(() => setFull(true)))), [full]);
  return full ? <PatchView sessionId={sessionId} file={file} /> : <PlainPatch patch={file.patch ?? ''} />;
}

/** The patch's lines as text, coloured by kind, at the full view's line height, so the upgrade does not move anything. */
function PlainPatch({ patch }: { patch: string }) {
  const runs = useMemo(() => plainRuns(patch), [patch]);
  return (
    <div className="review-plain" data-testid="diff-plain">
      {runs.map((r, i) => (
        <div key={i} className={`review-plain-${r.kind}`}>
          {r.text}
        </div>
      ))}
    </div>
  );
}

type Bubble = { comments: ReviewCommentView[] };

function PatchView({ sessionId, file, contents = null }: { sessionId: string | null; file: DiffFileView; contents?: FileContents | null }) {
  const mode = useReview((s) => s.mode);
  const all = useReview((s) => (sessionId ? (s.comments[sessionId] ?? EMPTY) : EMPTY));
  const addComment = useReview((s) => s.addComment);
  const removeComment = useReview((s) => s.removeComment);
  const theme = useColorScheme();
  const lang = languageOf(file.path);
  const data = useMemo(
    () => ({
      oldFile: { fileName: file.oldPath ?? file.path, fileLang: lang, content: contents?.old ?? null },
      newFile: { fileName: file.path, fileLang: lang, content: contents?.new ?? null },
      hunks: [file.patch ?? ''],
    }),
    [file.oldPath, file.path, file.patch, lang, contents],
  );
  const mine = useMemo(() => all.filter((c) => c.path === file.path), [all, file.path]);
  const extendData = useMemo(() => {
    const sides: { oldFile: Record<string, { data: Bubble }>; newFile: Record<string, { data: Bubble }> } = { oldFile: {}, newFile: {} };
    for (const c of mine) {
      const at = sides[c.side === 'old' ? 'oldFile' : 'newFile'];
      const key = String(c.endLine ?? c.line);
      at[key] = { data: { comments: [...(at[key]?.data.comments ?? []), c] } };
    }
    return sides;
  }, [mine]);

  return (
    <DiffViewWithMultiSelect<Bubble>
      data={data}
      diffViewMode={mode === 'split' ? DiffModeEnum.Split : DiffModeEnum.Unified}
      diffViewTheme={theme}
      diffViewHighlight
      diffViewAddWidget={sessionId !== null}
      diffViewFontSize={12}
      extendData={extendData}
      renderWidgetLine={({ lineNumber, fromLineNumber, side, diffFile, onClose }) => {
        const from = Math.min(fromLineNumber || lineNumber, lineNumber);
        const to = Math.max(fromLineNumber || lineNumber, lineNumber);
        const s = side === SplitSide.old ? 'old' : 'new';
        return (
          <CommentForm
            where={`${file.path}:${from}${to !== from ? `-${to}` : ''}`}
            onCancel={onClose}
            onSave={(text) => {
              // Kept in main from here on (a reload or restart keeps it); the form stays open with its text if main refused it.
              if (sessionId === null) return;
              void addComment(sessionId, { path: file.path, line: from, endLine: to !== from ? to : null, side: s, excerpt: excerpt(diffFile, s, from, to), text }).then((r) => {
                if (r.ok) onClose();
              });
            }}
          />
        );
      }}
      renderExtendLine={({ data: bubble }) => (
        <div className="review-bubbles">
          {bubble.comments.map((c) => (
            <div key={c.id} className="review-bubble" data-testid="review-comment">
              <span className="mono small muted">
                {c.path}:{c.line}
                {c.endLine ? `-${c.endLine}` : ''}
              </span>
              <div className="review-bubble-text">{c.text}</div>
              {c.state === 'queued' ? (
                <span className="pill small" title="Sent when the agent's turn ends">
                  queued
                </span>
              ) : (
                <button className="btn btn-ghost btn-sm" onClick={() => {
                    if (sessionId) void removeComment(sessionId, c.id);
                  }}
                >
                  Remove
                </button>
              )}
            </div>
          ))}
        </div>
      )}
    />
  );
}

/** The commented lines' text, from the patch the view already parsed. */
function excerpt(diffFile: DiffFile, side: 'old' | 'new', from: number, to: number): string {
  const out: string[] = [];
  for (let n = from; n <= Math.min(to, from + 20); n++) {
    try {
      const line = side === 'old' ? diffFile.getOldPlainLine(n) : diffFile.getNewPlainLine(n);
      if (line?.value !== undefined) out.push(line.value.replace(/\n$/, ''));
    } catch {
      // A line outside the hunks the view holds: the file:line still says where.
    }
  }
  return out.join('\n');
}
