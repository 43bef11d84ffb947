/** One terminal on screen: xterm.js (fit, search, web links) fed by the scrollback, then by `terminals.output`; keystrokes go to main. */
import { useEffect, useRef, useState } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { TerminalOutput, TerminalView } from '../../../../shared/contracts/terminals';
import { createSubscribe } from '../../api/client';
import { useServices } from '../../app/react';
import { unseenPart } from './terminals';
import { createWriteQueue } from './write-queue';

export function TerminalPane({ terminal }: { terminal: TerminalView }) {
  const { api, transport } = useServices();
  const host = useRef<HTMLDivElement>(null);
  const search = useRef<SearchAddon | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = terminal.id;
  const running = terminal.state === 'running';

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal({ convertEol: false, cursorBlink: true, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 13, scrollback: 10_000 });
    const fit = new FitAddon();
    const finder = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(finder);
    // Links open in a new tab with no opener: the page holds the session token.
    term.loadAddon(new WebLinksAddon((_e, uri) => window.open(uri, '_blank', 'noopener,noreferrer')));
    search.current = finder;
    term.open(el);
    // The palette's key (Ctrl/Cmd+K) belongs to the app, as VS Code keeps its palette from the shell: xterm lets it bubble.
    term.attachCustomKeyEventHandler((e) => !((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k'));
    let shown = -1;
    // Answers that arrive after the pane closed (another terminal chosen, the tab closed) touch nothing.
    let disposed = false;
    const early: TerminalOutput[] = [];
    // One write parsed at a time, what comes meanwhile joined: a flood costs xterm a few paints a second, not one per chunk.
    // A flood that outruns xterm is caught up as tmux does for a slow client: the backlog is dropped and the scrollback
    // read again (what a reload shows), unless a read is already on its way.
    const writes = createWriteQueue((data, done) => term.write(data, done), {
      onOverflow: () => {
        if (shown >= 0) resync();
      },
    });
    /** A chunk of output: held while the scrollback is being read, else its unseen part written. */
    const show = (o: TerminalOutput): void => {
      if (shown < 0) {
        early.push(o);
        return;
      }
      const part = unseenPart(o, shown);
      // Before the push: a push that overflows starts a read, which must hold what comes next.
      shown = Math.max(shown, o.end);
      if (part) writes.push(part);
    };
    // Subscribed (to this terminal only) before the scrollback is read: chunks sent meanwhile are held, then shown past its end.
    const off = createSubscribe(transport)('terminals.output', show, undefined, id);
    /** The latest read of the scrollback; an older one's answer is dropped. */
    let reads = 0;
    function resync(): void {
      shown = -1;
      const mine = ++reads;
      void api.terminals.scrollback({ id }).then((r) => {
        if (disposed || mine !== reads) return;
        if (!r.ok) return setError(r.error.message);
        writes.clear();
        term.reset();
        writes.push(r.value.data);
        shown = r.value.end;
        for (const o of early.splice(0)) show(o);
      });
    }
    resync();
    // After a reconnect events may have been missed: the scrollback is read again.
    const offResync = transport.onResync(resync);
    const input = term.onData(
      (data) =>
        void api.terminals.input({ id, data }).then((r) => {
          if (!disposed) setError(r.ok ? null : r.error.message);
        }),
    );
    const size = term.onResize(({ cols, rows }) => void api.terminals.resize({ id, cols, rows }));
    const refit = (): void => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet (hidden tab): the next resize fits it.
      }
    };
    const observer = new ResizeObserver(refit);
    observer.observe(el);
    refit();
    term.focus();
    return () => {
      disposed = true;
      writes.close();
      off();
      offResync();
      input.dispose();
      size.dispose();
      observer.disconnect();
      search.current = null;
      term.dispose();
    };
  }, [id, api, transport]);

  return (
    <div className="terminal-pane" data-testid="terminal-pane" data-terminal-id={id}>
      <div className="terminal-toolbar">
        <input
          className="input input-sm"
          placeholder="Find in scrollback"
          aria-label="Find in terminal"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && query) {
              if (e.shiftKey) search.current?.findPrevious(query);
              else search.current?.findNext(query);
            }
          }}
        />
        {!running && <span className="muted small">{terminal.state === 'lost' ? 'Its host is gone: Restart opens a new shell here.' : 'The shell has exited: Restart opens a new one here.'}</span>}
      </div>
      <div className="terminal-screen" ref={host} />
      {error && (
        <div className="banner" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
