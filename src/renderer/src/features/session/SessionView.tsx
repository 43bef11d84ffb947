/** One open session: its header, banners, transcript (or Changes) and prompt box. */
import { memo, useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { sessionView, summaryFacts } from '../../../../shared/session-view';
import { buildTranscript } from '../../../../shared/transcript';
import { useBaton, useServices } from '../../app/react';
import { AgentLogPane } from './AgentLogPane';
import { SessionBanners } from './SessionBanners';
import { SessionPolicy } from './SessionPolicy';
import { StatusPill } from '../../ui/StatusPill';
import { TranscriptList } from './Transcript';
import { Spinner } from '../../ui/feedback';
import { ChangesView, SessionTabs, useChangesOpen } from '../review';
import { TerminalsPanel } from '../terminals';

const EMPTY: never[] = [];
/** A frame of a streaming agent at a fast pace (2,000 records a second in all is 32 a frame). */
const FEW = 64;

/** `now` is `drawn` and a few records after it (the store appends live records to the same array's items). */
function appendsFew<T>(drawn: readonly T[], now: readonly T[]): boolean {
  const more = now.length - drawn.length;
  return more >= 0 && more <= FEW && drawn.length > 0 && now[drawn.length - 1] === drawn[drawn.length - 1] && now[0] === drawn[0];
}

/**
 * The open session's transcript, fed from the store. Its own component: a live frame's records draw the
 * transcript alone, not the session's header, banners and prompt box with it.
 */
const LiveTranscript = memo(function LiveTranscript({ sessionId, canAnswer, onAnswer }: { sessionId: string; canAnswer: boolean; onAnswer: (k: string, o: string | null) => void }) {
  const records = useBaton((s) => s.records[sessionId] ?? EMPTY);
  // Held records start after this seq: scrolling to the top of the transcript reads the page before it.
  const hasEarlier = useBaton((s) => (s.recordsBase[sessionId] ?? 0) > 0);
  const loadEarlier = useBaton((s) => s.loadEarlier);
  const onEarlier = useCallback(() => void loadEarlier(sessionId), [loadEarlier, sessionId]);
  // Scrolled back past the bound of what is held, the newest records are let go: scrolling down reads them again.
  const hasLater = useBaton((s) => s.recordsNewer[sessionId] === true);
  const loadLater = useBaton((s) => s.loadLater);
  const onLater = useCallback(() => void loadLater(sessionId), [loadLater, sessionId]);
  // A page of records read back (or a burst of live ones) is drawn in a deferred render, which React splits into
  // slices between frames, rather than inside the task that received it: in one task, its parse, the transcript
  // folded again and the rows drawn were the long tasks left while scrolling a long transcript (issue 16).
  // The first records of an opened transcript are drawn at once: nothing is on screen to keep meanwhile. So are a
  // frame's few live records after those drawn: a deferred render is one more task before the page shows them.
  const deferred = useDeferredValue(records);
  const shown = deferred.length === 0 || appendsFew(deferred, records) ? records : deferred;
  const transcript = useMemo(() => buildTranscript(shown), [shown]);
  return <TranscriptList items={transcript.items} hasEarlier={hasEarlier} onEarlier={onEarlier} hasLater={hasLater} onLater={onLater} canAnswer={canAnswer} onAnswer={onAnswer} />;
});

export function SessionView({ session }: { session: SessionSummary }) {
  const { api } = useServices();
  const openSession = useBaton((s) => s.openSession);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [terminals, setTerminals] = useState(false);
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

  const act = useCallback(async (p: Promise<{ ok: boolean; error?: { message: string } }>) => {
    const r = await p;
    if (!r.ok) setError(`${r.error?.message ?? 'Baton did not say why.'} Check the session’s status, then try again.`);
  }, []);
  // The same function while the session is: the transcript is not drawn again for a new one.
  const onAnswer = useCallback((k: string, o: string | null) => void act(api.sessions.answerPermission({ id: session.id, requestKey: k, optionId: o })), [act, api, session.id]);

  const view = sessionView(summaryFacts(session));
  const { can } = view;
  const changes = useChangesOpen(session.id);
  const [logOpen, setLogOpen] = useState(false);
  const starting = view.status === 'Starting';
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
        <SessionPolicy session={session} onError={setError} />
        <button className="btn btn-sm btn-ghost" aria-pressed={logOpen} onClick={() => setLogOpen((o) => !o)} title="What the agent wrote on stderr, live">
          Agent log
        </button>
        {session.worktreePath && (
          <button className="btn btn-sm" aria-pressed={terminals} onClick={() => setTerminals(!terminals)}>
            Terminal
          </button>
        )}
        {can.restart && (
          <button className="btn btn-sm btn-primary" title="Start its agent again and resume its conversation" onClick={() => void act(api.sessions.restart({ id: session.id }))}>
            Restart
          </button>
        )}
        <button className="btn btn-sm" disabled={!can.cancel} onClick={() => void act(api.sessions.cancel({ id: session.id }))}>
          Cancel
        </button>
        <button className="btn btn-sm btn-danger" disabled={!can.stop} onClick={() => void act(api.sessions.stop({ id: session.id }))}>
          Stop
        </button>
      </div>
      <SessionBanners session={session} />
      {terminals && session.worktreePath && <TerminalsPanel place={{ projectId: session.projectId, worktreeId: null, sessionId: session.id, root: session.worktreePath }} />}
      {changes ? (
        <ChangesView session={session} />
      ) : (
        <>
          {starting && (
            <div className="session-starting muted small" role="status" data-testid="session-starting">
              <Spinner /> Starting the agent… the prompt box opens when it is ready.
            </div>
          )}
          <LiveTranscript sessionId={session.id} canAnswer={can.answer} onAnswer={onAnswer} />
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
              aria-describedby={view.promptRefusal ? `prompt-refusal-${session.id}` : undefined}
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
          {view.promptRefusal && !sending && (
            // Why the box takes no prompt now, and what to press: the same words main refuses a prompt with.
            <div className="prompt-refusal muted small" id={`prompt-refusal-${session.id}`} data-testid="prompt-refusal">
              {view.promptRefusal}
            </div>
          )}
          {logOpen && <AgentLogPane sessionId={session.id} />}
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
