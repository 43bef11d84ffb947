/** A session's transcript as a virtualized list of turns, tool calls, permissions and recovery markers. */
import { useVirtualizer } from '@tanstack/react-virtual';
import Markdown from 'markdown-to-jsx/react';
import { useEffect, useMemo, useRef } from 'react';
import { AUTO_ANSWER_LABEL } from '../../../../shared/baton-tools';
import type { ToolStatus, TranscriptItem } from '../../../../shared/transcript';

const MD_OPTIONS = { disableParsingRawHTML: true, forceBlock: true } as const;

const TOOL_STATUS: Record<ToolStatus, string> = {
  pending: 'pending',
  in_progress: 'running',
  completed: 'done',
  failed: 'failed',
  // Running when its host died: it may or may not have finished, and nothing will report it now.
  interrupted: 'interrupted',
};

/** Markers are lines recovery appended to the journal; each reads as a divider across the transcript. */
const MARKER_LABEL: Record<string, string> = { interrupted: 'Interrupted', divergence: 'Transcript rebuilt' };

/** Long transcripts stay smooth: only the rows on screen are rendered. */
export function TranscriptList(props: { items: TranscriptItem[]; onAnswer: (requestKey: string, optionId: string | null) => void; canAnswer: boolean }) {
  const parent = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const v = useVirtualizer({ count: props.items.length, getScrollElement: () => parent.current, estimateSize: () => 64, overscan: 8 });

  useEffect(() => {
    if (stick.current && props.items.length > 0) v.scrollToIndex(props.items.length - 1, { align: 'end' });
  }, [props.items.length, v]);

  return (
    <div
      ref={parent}
      className="transcript"
      data-testid="transcript"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => (
          <div key={row.key} data-index={row.index} ref={v.measureElement} className="transcript-row" style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}>
            <Item item={props.items[row.index]!} onAnswer={props.onAnswer} canAnswer={props.canAnswer} />
          </div>
        ))}
      </div>
    </div>
  );
}

function Item({ item, onAnswer, canAnswer }: { item: TranscriptItem; onAnswer: (k: string, o: string | null) => void; canAnswer: boolean }) {
  const md = useMemo(() => ('text' in item ? item.text : ''), [item]);
  switch (item.type) {
    case 'user':
      return (
        <div className="msg msg-user" data-testid="msg-user">
          <Markdown options={MD_OPTIONS}>{md}</Markdown>
        </div>
      );
    case 'agent':
      return (
        <div className="msg msg-agent" data-testid="msg-agent">
          <Markdown options={MD_OPTIONS}>{md}</Markdown>
        </div>
      );
    case 'thought':
      return <div className="msg msg-thought">{item.text}</div>;
    case 'tool':
      return (
        <details className={`tool tool-card-${item.status}`} data-testid="tool-call" data-status={item.status}>
          <summary>
            <span className={`tool-dot tool-${item.status}`} />
            <span className="tool-title">{item.title || item.toolCallId}</span>
            {item.status === 'interrupted' ? (
              <span className="muted small">
                {item.kind} · <span className="pill pill-danger">Interrupted</span>
              </span>
            ) : (
              <span className="muted small">
                {item.kind} · {TOOL_STATUS[item.status] ?? item.status}
              </span>
            )}
          </summary>
          {item.status === 'interrupted' && (
            <div className="muted small">It was still running when its session host stopped, so its result was never reported.</div>
          )}
          {item.locations.length > 0 && <div className="muted small mono">{item.locations.join(', ')}</div>}
          {item.content.length > 0 && <pre className="log">{item.content.join('\n')}</pre>}
        </details>
      );
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
        <div className="permission" data-testid="permission" data-answered={item.outcome !== null}>
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
        <div className="diagnostic small">
          Agent exited {item.signal ? `(${item.signal})` : `with code ${item.code ?? '?'}`}
          {item.stderrTail.length > 0 && <pre className="log">{item.stderrTail.join('\n')}</pre>}
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
