/** The Agent log pane: what the session's agent wrote on stderr, read from where its host keeps it, then live (ADR 0025). */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AgentLogLine } from '../../../../shared/contracts/sessions';
import { createSubscribe } from '../../api/client';
import { useServices } from '../../app/react';
import { dateTime } from '../../ui/format';
import { EMPTY_LOG, hasGap, mergeAgentLog, type AgentLogView } from './agent-log';

export function AgentLogPane({ sessionId }: { sessionId: string }) {
  const { api, transport } = useServices();
  const [log, setLog] = useState<AgentLogView>(EMPTY_LOG);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  // Follows the newest line only while the person has not scrolled up to read.
  const pinned = useRef(true);

  useEffect(() => {
    let live = true;
    let reading = true;
    // The newest number merged so far, kept here so two events in one tick see each other.
    let lastN = 0;
    const early: AgentLogLine[] = [];
    // Subscribed before the tail is read: lines sent meanwhile are held, then merged past its end by number.
    const off = createSubscribe(transport)('sessions.agentLog', ({ sessionId: id, lines }) => {
      if (id !== sessionId) return;
      if (reading) early.push(...lines);
      else if (hasGap(lastN, lines)) read();
      else {
        lastN = Math.max(lastN, lines.at(-1)?.n ?? 0);
        setLog((v) => mergeAgentLog(v, lines));
      }
    });
    function read(): void {
      reading = true;
      void api.sessions.agentLog({ id: sessionId }).then((r) => {
        if (!live) return;
        reading = false;
        setLoaded(true);
        if (!r.ok) {
          setError(`The agent log could not be read: ${r.error.message} Close the Agent log and open it again to retry.`);
          return;
        }
        setError(null);
        const merged = mergeAgentLog({ lines: [], truncated: r.value.truncated }, [...r.value.lines, ...early.splice(0)]);
        lastN = merged.lines.at(-1)?.n ?? 0;
        setLog(merged);
      });
    }
    read();
    // Lines sent while disconnected were missed: the tail is read again.
    const offResync = transport.onResync(read);
    return () => {
      live = false;
      off();
      offResync();
    };
  }, [api, transport, sessionId]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [log]);

  return (
    <section className="agent-log" aria-label="Agent log" data-testid="agent-log">
      <div className="muted small">
        What the agent wrote on stderr, kept by its host (the newest 256 KiB){log.truncated ? '; older lines are not kept' : ''}.
      </div>
      {error && (
        <div className="banner" role="alert">
          {error}
        </div>
      )}
      {loaded && log.lines.length === 0 && !error && <div className="muted small">The agent has written nothing on stderr.</div>}
      {log.lines.length > 0 && (
        <div
          className="log agent-log-lines"
          ref={box}
          onScroll={(e) => {
            const el = e.currentTarget;
            pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
        >
          {log.lines.map((l) => (
            <div key={l.n} className="agent-log-line" data-testid="agent-log-line" title={dateTime(l.ts)}>
              {l.text}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
