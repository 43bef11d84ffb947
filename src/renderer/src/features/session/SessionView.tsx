/** One open session: its header, banners, transcript (or Changes) and prompt box. */
import { useMemo, useRef, useState } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { sessionView, summaryFacts } from '../../../../shared/session-view';
import { buildTranscript } from '../../../../shared/transcript';
import { useBaton, useServices } from '../../app/react';
import { SessionBanners } from './SessionBanners';
import { StatusPill } from '../../ui/StatusPill';
import { TranscriptList } from './Transcript';
import { Spinner } from '../../ui/feedback';
import { ChangesView, SessionTabs, useChangesOpen } from '../review';

const EMPTY: never[] = [];

export function SessionView({ session }: { session: SessionSummary }) {
  const { api } = useServices();
  const records = useBaton((s) => s.records[session.id] ?? EMPTY);
  const openSession = useBaton((s) => s.openSession);
  const transcript = useMemo(() => buildTranscript(records), [records]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  // One key per text: sending the same text again after a lost connection cannot start a second turn.
  const promptKey = useRef<string | null>(null);

  async function send() {
    setSending(true);
    setError(null);
    promptKey.current ??= crypto.randomUUID();
    const r = await api.sessions.prompt({ id: session.id, text, idempotencyKey: promptKey.current });
    setSending(false);
    if (r.ok) {
      setText('');
      promptKey.current = null;
    }
    else setError(`The prompt was not sent: ${r.error.message} Your text is kept; send it again when the session is Idle.`);
  }

  const act = async (p: Promise<{ ok: boolean; error?: { message: string } }>) => {
    const r = await p;
    if (!r.ok) setError(`${r.error?.message ?? 'Baton did not say why.'} Check the session’s status, then try again.`);
  };

  const { can } = sessionView(summaryFacts(session));
  const changes = useChangesOpen(session.id);
  return (
    <div className="session-view" data-testid="session-view">
      <div className="session-head">
        <button className="btn btn-ghost btn-sm" onClick={() => openSession(null)}>
          ← Board
        </button>
        <strong className="session-title">{session.title}</strong>
        <StatusPill session={session} />
        <span className="muted small mono">{session.branch}</span>
        <SessionTabs session={session} />
        <span className="statusbar-spacer" />
        <button className="btn btn-sm" disabled={!can.cancel} onClick={() => void act(api.sessions.cancel({ id: session.id }))}>
          Cancel
        </button>
        <button className="btn btn-sm btn-danger" disabled={!can.stop} onClick={() => void act(api.sessions.stop({ id: session.id }))}>
          Stop
        </button>
      </div>
      <SessionBanners session={session} />
      {changes ? (
        <ChangesView session={session} />
      ) : (
        <>
          <TranscriptList items={transcript.items} canAnswer={can.answer} onAnswer={(k, o) => void act(api.sessions.answerPermission({ id: session.id, requestKey: k, optionId: o }))} />
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
              placeholder={can.prompt ? 'Message the agent… (Ctrl+Enter to send)' : 'The agent takes a prompt when it is idle.'}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                promptKey.current = null;
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && text.trim() && !sending && can.prompt) void send();
              }}
              aria-label="Prompt"
            />
            <button className="btn btn-primary" type="submit" disabled={!text.trim() || sending || !can.prompt}>
              {sending ? 'Sending…' : 'Send'}
            </button>
          </form>
          {sending && session.state === 'starting' && (
            // An idle session whose host is gone (after a restart) starts its agent again before the prompt goes out.
            <div className="notice notice-progress prompt-progress" role="status">
              <Spinner /> Starting the agent again and resuming its conversation; your prompt goes out as soon as it is ready…
            </div>
          )}
          {error && (
            <div className="banner" role="alert">
              {error}
            </div>
          )}
        </>
      )}
    </div>
  );
}
