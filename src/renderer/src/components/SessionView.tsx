import { useMemo, useState } from 'react';
import type { SessionSummary } from '../../../shared/contracts/sessions';
import { buildTranscript } from '../../../shared/transcript';
import { useBaton, useServices } from '../stores/react';
import { StatusPill } from './SessionBoard';
import { TranscriptList } from './Transcript';

const EMPTY: never[] = [];

export function SessionView({ session }: { session: SessionSummary }) {
  const { api } = useServices();
  const records = useBaton((s) => s.records[session.id] ?? EMPTY);
  const openSession = useBaton((s) => s.openSession);
  const transcript = useMemo(() => buildTranscript(records), [records]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  async function send() {
    setSending(true);
    setError(null);
    const r = await api.sessions.prompt({ id: session.id, text, idempotencyKey: crypto.randomUUID() });
    setSending(false);
    if (r.ok) setText('');
    else setError(r.error.message);
  }

  const act = async (p: Promise<{ ok: boolean; error?: { message: string } }>) => {
    const r = await p;
    if (!r.ok) setError(r.error?.message ?? 'Failed');
  };

  const working = session.state === 'busy' || session.state === 'waiting_input';
  const ended = session.state === 'stopped' || session.state === 'retired';
  return (
    <div className="session-view" data-testid="session-view">
      <div className="session-head">
        <button className="btn btn-ghost btn-sm" onClick={() => openSession(null)}>
          ← Board
        </button>
        <strong className="session-title">{session.title}</strong>
        <StatusPill session={session} />
        <span className="muted small mono">{session.branch}</span>
        <span className="statusbar-spacer" />
        {session.state === 'failed' && (
          <button className="btn btn-sm" onClick={() => void act(api.sessions.retry({ id: session.id }))}>
            Retry
          </button>
        )}
        <button className="btn btn-sm" disabled={!working} onClick={() => void act(api.sessions.cancel({ id: session.id }))}>
          Cancel
        </button>
        <button className="btn btn-sm btn-danger" disabled={ended} onClick={() => void act(api.sessions.stop({ id: session.id }))}>
          Stop
        </button>
      </div>
      {session.stateDetail && (session.state === 'failed' || session.state === 'interrupted') && (
        <div className="banner" role="alert">
          <pre className="detail">{session.stateDetail}</pre>
        </div>
      )}
      <TranscriptList items={transcript.items} canAnswer={session.state === 'waiting_input'} onAnswer={(k, o) => void act(api.sessions.answerPermission({ id: session.id, requestKey: k, optionId: o }))} />
      <form
        className="prompt-box"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <textarea
          className="input"
          rows={2}
          placeholder={session.state === 'idle' ? 'Message the agent… (Ctrl+Enter to send)' : 'The agent takes a prompt when it is idle.'}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && text.trim()) void send();
          }}
          aria-label="Prompt"
        />
        <button className="btn btn-primary" type="submit" disabled={!text.trim() || sending || session.state !== 'idle'}>
          Send
        </button>
      </form>
      {error && (
        <div className="banner" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
