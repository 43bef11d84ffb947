/** A session's transcript as a virtualized list of turns, tool calls, permissions and recovery markers. */
import { useVirtualizer } from '@tanstack/react-virtual';
import Markdown from 'markdown-to-jsx/react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { AUTO_ANSWER_LABEL } from '../../../../shared/baton-tools';
import type { TranscriptItem } from '../../../../shared/transcript';
import { keepLineBreaks } from './line-breaks';
import { splitBlocks } from './md-blocks';
import { ToolCard } from './ToolCard';

const MD_OPTIONS = { disableParsingRawHTML: true, forceBlock: true } as const;

/** Markers are lines recovery appended to the journal; each reads as a divider across the transcript. */
const MARKER_LABEL: Record<string, string> = { interrupted: 'Interrupted', divergence: 'Transcript rebuilt' };

/** Within this many pixels of the top (or the bottom), the page before (or after) the held records is read. */
const EARLIER_MARGIN_PX = 600;

/** A row's key: its first record's seq, and its type (an error and its turn's end share one record). */
const rowKey = (item: TranscriptItem): string => `${item.seq}:${item.type}`;

/**
 * Long transcripts stay smooth: only the rows on screen are rendered, and
 * only a window of the history is held (`hasEarlier`: scrolling to its top
 * asks for the page before it, which comes in above without moving the view).
 * Drawn again only when its props change: the deferred render that catches up
 * after a live frame was drawn at once (SessionView) brings the same rows, and
 * stops here.
 */
export const TranscriptList = memo(TranscriptListRows);

function TranscriptListRows(props: {
  items: TranscriptItem[];
  onAnswer: (requestKey: string, optionId: string | null) => void;
  canAnswer: boolean;
  hasEarlier?: boolean;
  onEarlier?: () => void;
  /** The held window stops short of the newest records: scrolling to its bottom asks for the page after it. */
  hasLater?: boolean;
  onLater?: () => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  /** The first row on screen (its seq, and how far above the view's top it starts), to hold it in place when rows come in above it. */
  const anchor = useRef<{ seq: number; offset: number } | null>(null);
  const { items } = props;
  // Keyed by record, not index: rows read back in front keep their measured heights instead of re-measuring all below.
  // The same function until the rows change: a new one makes the virtualizer lay out every row again, each frame.
  const keys = useMemo(() => items.map(rowKey), [items]);
  const getItemKey = useCallback((i: number) => keys[i] ?? i, [keys]);
  // Not flushed inside the scroll event: a frame's scroll and the measurements it brings render once, in one task.
  const v = useVirtualizer({ count: items.length, getScrollElement: () => parent.current, estimateSize: () => 64, overscan: 8, getItemKey, useFlushSync: false });

  useEffect(() => {
    if (stick.current && props.items.length > 0) v.scrollToIndex(props.items.length - 1, { align: 'end' });
  }, [props.items.length, v]);

  const firstSeq = props.items[0]?.seq;
  useLayoutEffect(() => {
    const a = anchor.current;
    const el = parent.current;
    if (!a || !el || stick.current) return;
    // Its first record may now belong to a row that began earlier (a tool call read back): the row after holds the place.
    const index = props.items.findIndex((i) => i.seq >= a.seq);
    if (index <= 0) return;
    // Rows came in above: the anchored row keeps its place on screen.
    const at = v.getOffsetForIndex(index, 'start');
    if (at) el.scrollTop = at[0] + a.offset;
    // Run when the first row changes (rows came in above), not on every new row below.
  }, [firstSeq]);

  // Still at the top once a page came in (or when opened there): read on, since no scroll event will come to ask.
  const { hasEarlier, onEarlier } = props;
  useEffect(() => {
    const el = parent.current;
    if (hasEarlier && el && !stick.current && el.scrollTop < EARLIER_MARGIN_PX) onEarlier?.();
  }, [firstSeq, hasEarlier, onEarlier]);
  const lastSeq = props.items.at(-1)?.seq;
  const { hasLater, onLater } = props;
  useEffect(() => {
    const el = parent.current;
    if (hasLater && el && el.scrollHeight - el.scrollTop - el.clientHeight < EARLIER_MARGIN_PX) onLater?.();
  }, [lastSeq, hasLater, onLater]);

  // The newest answer callback, behind one that never changes, so a row is redrawn for its item alone.
  const answer = useRef(props.onAnswer);
  answer.current = props.onAnswer;
  const onAnswer = useCallback((k: string, o: string | null) => answer.current(k, o), []);

  const onScroll = (el: HTMLDivElement): void => {
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    // At the bottom of a window that stops short of the newest: not the live end, so nothing sticks there.
    stick.current = !props.hasLater && fromBottom < 48;
    if (props.hasLater && fromBottom < EARLIER_MARGIN_PX) props.onLater?.();
    const top = v.getVirtualItems().find((r) => r.end > el.scrollTop);
    const item = top ? props.items[top.index] : undefined;
    anchor.current = top && item ? { seq: item.seq, offset: el.scrollTop - top.start } : null;
    if (props.hasEarlier && el.scrollTop < EARLIER_MARGIN_PX) props.onEarlier?.();
  };

  return (
    <div
      ref={parent}
      className="transcript"
      data-testid="transcript"
      onScroll={(e) => onScroll(e.currentTarget)}
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => (
          <div key={row.key} data-index={row.index} data-seq={props.items[row.index]!.seq} ref={v.measureElement} className="transcript-row" style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}>
            <Row item={props.items[row.index]!} onAnswer={onAnswer} canAnswer={props.canAnswer} />
          </div>
        ))}
      </div>
    </div>
  );
}

/**
 * A row redrawn only when its item says something new: each page read back
 * builds every item again, and re-rendering the Markdown of the rows on screen
 * for nothing was most of a page's cost while scrolling.
 */
const Row = memo(Item, (a, b) => a.canAnswer === b.canAnswer && a.onAnswer === b.onAnswer && (a.item === b.item || JSON.stringify(a.item) === JSON.stringify(b.item)));

/** An agent's message block by block: while it streams, only its last block is parsed, rendered and laid out again. */
function AgentText({ text }: { text: string }) {
  const blocks = useMemo(() => splitBlocks(text), [text]);
  // By position: a block's place never changes as the message grows (splitBlocks keeps every block but the last).
  return blocks.map((md, i) => <MarkdownBlock key={i} md={md} />);
}

/** Drawn again only when its own text changes (memo): the line breaks are worked out then, too. */
const MarkdownBlock = memo(function MarkdownBlock({ md }: { md: string }) {
  return <Markdown options={MD_OPTIONS}>{keepLineBreaks(md)}</Markdown>;
});

function Item({ item, onAnswer, canAnswer }: { item: TranscriptItem; onAnswer: (k: string, o: string | null) => void; canAnswer: boolean }) {
  switch (item.type) {
    case 'user':
      // What the person typed, exactly: line breaks and all, not read as Markdown.
      return (
        <div className="msg msg-user msg-plain" data-testid="msg-user">
          {item.text}
        </div>
      );
    case 'agent':
      return (
        <div className="msg msg-agent" data-testid="msg-agent">
          <AgentText text={item.text} />
        </div>
      );
    case 'thought':
      return <div className="msg msg-thought">{item.text}</div>;
    case 'tool':
      return <ToolCard item={item} />;
    case 'plan':
      return (
        <ul className="plan">
          {item.entries.map((e, i) => (
            <li key={i} data-status={e.status}>
              {e.status === 'completed' ? '✓' : e.status === 'in_progress' ? '▸' : '○'} {e.content}
            </li>
          ))}
        </ul>
      );
    case 'permission':
      return (
        <div className={`permission ${item.outcome !== null ? 'permission-answered' : ''}`} data-testid="permission" data-answered={item.outcome !== null}>
          <div className="permission-title">{item.title}</div>
          {item.outcome === null ? (
            <div className="permission-actions">
              {item.options.map((o) => (
                <button key={o.optionId} className={`btn btn-sm ${o.kind.startsWith('allow') ? 'btn-primary' : ''}`} disabled={!canAnswer} onClick={() => onAnswer(item.requestKey, o.optionId)}>
                  {o.name}
                </button>
              ))}
            </div>
          ) : (
            <div className="muted small" data-automatic={item.outcome.kind === 'selected' ? (item.outcome.automatic ?? '') : ''}>
              {item.outcome.kind === 'selected' ? (item.outcome.automatic ? AUTO_ANSWER_LABEL[item.outcome.automatic] : `Answered: ${item.outcome.name}`) : 'Cancelled'}
            </div>
          )}
        </div>
      );
    case 'turn_end':
      return <div className="turn-end muted small">Turn ended · {item.stopReason.replace('_', ' ')}</div>;
    case 'error':
      return <div className="row-error">{item.text}</div>;
    case 'diagnostic':
      return <div className="diagnostic muted small">⚠ {item.text}</div>;
    case 'exit':
      return (
        // Its stderr is in the agent log (the session's Agent log button), not here.
        <div className="diagnostic small" data-testid="agent-exit">
          Agent exited {item.signal ? `(${item.signal})` : `with code ${item.code ?? '?'}`}
          {item.stderrTail.length > 0 && <span className="muted"> · {item.stderrTail.length} line(s) of its output are in the Agent log</span>}
        </div>
      );
    case 'marker': {
      const label = MARKER_LABEL[item.marker] ?? item.marker;
      return (
        <div className={`marker marker-${item.marker}`} role="separator" aria-label={`${label}: ${item.text}`} data-testid="marker" data-marker={item.marker}>
          <span className="marker-text">
            <strong>{label}</strong>
            {item.text !== item.marker && <span> · {item.text}</span>}
          </span>
        </div>
      );
    }
  }
}
