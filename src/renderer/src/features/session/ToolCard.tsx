/** One tool call in the transcript: its status, where it worked, and what it printed (output, exit, error). */
import type { ToolStatus, TranscriptItem } from '../../../../shared/transcript';

const TOOL_STATUS: Record<ToolStatus, string> = {
  pending: 'pending',
  in_progress: 'running',
  completed: 'done',
  failed: 'failed',
  // Running when its host died: it may or may not have finished, and nothing will report it now.
  interrupted: 'interrupted',
};

export function ToolCard({ item }: { item: Extract<TranscriptItem, { type: 'tool' }> }) {
  const exit = item.exit ? (item.exit.signal ? `killed by ${item.exit.signal}` : `exit ${item.exit.code ?? '?'}`) : null;
  // Output streamed as terminal chunks is the command's own; rawOutput repeats it at the end for Codex, so it shows only alone.
  const raw = item.output ? null : item.rawOutput;
  return (
    // A failed tool opens by itself: its error is what the person came to read.
    <details className={`tool tool-card-${item.status}`} data-testid="tool-call" data-status={item.status} open={item.status === 'failed' || undefined}>
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
            {exit && ` · ${exit}`}
          </span>
        )}
      </summary>
      {item.status === 'interrupted' && <div className="muted small">It was still running when its session host stopped, so its result was never reported.</div>}
      {item.locations.length > 0 && <div className="muted small mono">{item.locations.join(', ')}</div>}
      {item.content.length > 0 && <pre className="log">{item.content.join('\n')}</pre>}
      {item.output && (
        <pre className="log" data-testid="tool-output">
          {item.output}
        </pre>
      )}
      {raw && (
        <pre className="log" data-testid="tool-raw-output">
          {raw}
        </pre>
      )}
      {item.error && (
        <pre className="log log-error" data-testid="tool-error">
          {item.error}
        </pre>
      )}
    </details>
  );
}
