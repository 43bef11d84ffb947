/** A checkout's terminals (a session's worktree, a worktree, the main checkout): tabs with their state, New, Kill, Restart, Close, and the open one. */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { OpenApp, TerminalView } from '../../../../shared/contracts/terminals';
import { useBaton, useServices } from '../../app/react';
import { selectTerminals, terminalsAt, terminalStateLabel, type TerminalPlace } from './terminals';

/** xterm is a third of the page's code and only a terminal needs it: loaded when the first one is shown, not with the board. */
const TerminalPane = lazy(() => import('./TerminalPane').then((m) => ({ default: m.TerminalPane })));

const TONE: Record<TerminalView['state'], string> = { running: 'pill-ok', exited: 'pill-muted', lost: 'pill-warn' };

export function TerminalsPanel({ place }: { place: TerminalPlace }) {
  const { api } = useServices();
  const all = useBaton(useMemo(() => selectTerminals(place.projectId), [place.projectId]));
  const loadError = useBaton((s) => s.terminalErrors[place.projectId] ?? null);
  const load = useBaton((s) => s.loadTerminals);
  const terminals = useMemo(() => terminalsAt(all, place), [all, place]);
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [openers, setOpeners] = useState<{ app: OpenApp; label: string }[]>([]);

  useEffect(() => {
    void load(place.projectId);
  }, [place.projectId, load]);
  // What this machine can open the checkout in (VS Code, Cursor, $EDITOR, the file manager), asked once per panel.
  useEffect(() => {
    void api.terminals.openers({}).then((r) => setOpeners(r.ok ? r.value.filter((o) => o.available) : []));
  }, [api]);

  // A terminal asked for (the palette's "switch to"), once it is in this panel's list.
  const focus = useBaton((s) => s.terminalFocus);
  const focusTerminal = useBaton((s) => s.focusTerminal);
  useEffect(() => {
    if (!focus || !terminals.some((t) => t.id === focus.terminalId)) return;
    setSelected(focus.terminalId);
    focusTerminal(null);
  }, [focus, terminals, focusTerminal]);

  const current = terminals.find((t) => t.id === selected) ?? terminals[terminals.length - 1] ?? null;

  async function act(p: Promise<{ ok: true; value: unknown } | { ok: false; error: { message: string } }>, after?: (v: unknown) => void): Promise<void> {
    setBusy(true);
    setMessage(null);
    const r = await p;
    setBusy(false);
    if (r.ok) after?.(r.value);
    else setMessage(r.error.message);
  }

  const where = place.sessionId ? { sessionId: place.sessionId } : place.worktreeId ? { worktreeId: place.worktreeId } : { projectId: place.projectId };

  const open = () =>
    act(
      api.terminals.open(where),
      (v) => {
        setSelected((v as TerminalView).id);
        void load(place.projectId);
      },
    );

  return (
    <section className="terminals-panel" aria-label="Terminals" data-testid="terminals-panel">
      <div className="terminal-tabs" role="tablist" aria-label="Terminals">
        {terminals.map((t) => (
          <button key={t.id} role="tab" className="tab" aria-selected={current?.id === t.id} onClick={() => setSelected(t.id)}>
            {t.title} <span className={`pill ${TONE[t.state]}`}>{terminalStateLabel(t)}</span>
            {t.ports.map((p) => (
              <a key={p} className="terminal-port" href={`http://localhost:${p}/`} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
                :{p}
              </a>
            ))}
          </button>
        ))}
        <button className="btn btn-sm" disabled={busy} onClick={() => void open()}>
          New terminal
        </button>
        <span className="statusbar-spacer" />
        {openers.length > 0 && (
          <button className="btn btn-sm" disabled={busy} title="Opens this checkout in the editor chosen in Settings" onClick={() => void act(api.terminals.openIn(where), () => void load(place.projectId))}>
            Open in editor
          </button>
        )}
        {openers.length > 0 && (
          <select
            className="input input-narrow"
            aria-label="Open in"
            value=""
            disabled={busy}
            onChange={(e) => {
              const app = openers.find((o) => o.app === e.target.value)?.app;
              if (app) void act(api.terminals.openIn({ ...where, app }), () => void load(place.projectId));
            }}
          >
            <option value="">Open in…</option>
            {openers.map((o) => (
              <option key={o.app} value={o.app}>
                {o.label}
              </option>
            ))}
          </select>
        )}
        {current?.state === 'running' && (
          <button className="btn btn-sm btn-danger" disabled={busy || !!current.unreachable} onClick={() => void act(api.terminals.kill({ id: current.id }))}>
            Kill
          </button>
        )}
        {current && current.state !== 'running' && (
          <>
            <button className="btn btn-sm btn-primary" disabled={busy} onClick={() => void act(api.terminals.restart({ id: current.id }))}>
              Restart
            </button>
            <button className="btn btn-sm" disabled={busy} onClick={() => void act(api.terminals.close({ id: current.id }), () => setSelected(null))}>
              Close
            </button>
          </>
        )}
      </div>
      {current?.stateDetail && <div className="muted small">{current.stateDetail}</div>}
      {current?.state === 'running' && current.unreachable && (
        <div className="banner" role="status">
          Disconnected (host unreachable): {current.unreachable} The shell keeps running there.
        </div>
      )}
      {current ? (
        <Suspense fallback={<p className="muted">Loading the terminal…</p>}>
          <TerminalPane key={current.id} terminal={current} />
        </Suspense>
      ) : <p className="muted">No terminal here yet. New terminal opens a shell in this checkout; it keeps running when Baton quits.</p>}
      {(message ?? loadError) && (
        <div className="banner" role="alert">
          {message ?? `Could not list terminals: ${loadError}`}
        </div>
      )}
    </section>
  );
}
