/**
 * Pieces of the page loaded after the board (issue 16): a component whose code is fetched on first use or when the
 * page is idle, and the boundary that says what to do when that fetch fails.
 */
import { Component, createElement, Suspense, use, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import { Spinner } from './feedback';

/** A component loaded on demand: render `Component` under a Suspense and a LazyBoundary; `preload` fetches it ahead. */
export interface LazyPiece<P extends object> {
  Component: (props: P) => ReactNode;
  preload: () => Promise<void>;
}

/**
 * React.lazy calls its loader only on first render, so a chunk fetched ahead (idle) would still suspend that render
 * once and flash its fallback for a frame. Here the loaded component is kept: once `preload` has settled, a render
 * draws it at once, without suspending. Marked free of side effects: a module that declares a piece but is imported for
 * something else does not keep the piece (nor what it loads) in the first chunk.
 */
/*#__NO_SIDE_EFFECTS__*/
export function lazyPiece<P extends object>(load: () => Promise<ComponentType<P>>): LazyPiece<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const start = (): Promise<ComponentType<P>> =>
    (pending ??= load().then((c) => {
      loaded = c;
      return c;
    }));
  function Piece(props: P): ReactNode {
    // `use` on the one stable promise: React tracks it, so a later render reads it synchronously; a rejection is
    // thrown to the nearest LazyBoundary.
    return createElement(loaded ?? use(start()), props);
  }
  return {
    Component: Piece,
    // A failed idle fetch is not an error yet (a blip, the server restarting): it is forgotten, so the render that
    // needs the piece fetches it again, and only a failure then shows the boundary's notice.
    preload: () => start().then(
      () => undefined,
      () => {
        pending = null;
      },
    ),
  };
}

/** A lazy view with a preload: see lazyView. */
export type LazyView<P extends object> = ((props: P) => ReactNode) & { preload: () => Promise<void> };

/**
 * A piece that brings its own loading line and load-error notice: for a view a feature's index hands to others (a
 * session's Changes, a checkout's terminals). Exported as a plain component from the index, it keeps what it loads
 * out of the first chunk even though the board imports that index for something else.
 */
/*#__NO_SIDE_EFFECTS__*/
export function lazyView<P extends object>(what: string, load: () => Promise<ComponentType<P>>): LazyView<P> {
  const piece = lazyPiece(load);
  const View = (props: P): ReactNode => (
    <LazyBoundary what={what}>
      <Suspense fallback={<PieceLoading what={what} />}>
        <piece.Component {...props} />
      </Suspense>
    </LazyBoundary>
  );
  return Object.assign(View, { preload: piece.preload });
}

/** What a lazy view shows while its code loads: the line a slow read shows, in the place the view will take. */
export function PieceLoading({ what, takeFocus = false }: { what: string; takeFocus?: boolean }): ReactNode {
  return (
    <div className="muted piece-loading" role="status" data-testid="piece-loading" {...(takeFocus ? { tabIndex: -1, 'data-autofocus': true } : {})}>
      <Spinner /> Loading {what}…
    </div>
  );
}

/**
 * Fetches pieces one after the other when the page is idle, so opening a session (say) after the first paint does not
 * wait for the network and the parse. One at a time, each in an idle period: the board keeps the main thread.
 */
export function preloadWhenIdle(pieces: readonly (() => Promise<void>)[]): void {
  const idle = (f: () => void) => (typeof window.requestIdleCallback === 'function' ? window.requestIdleCallback(f, { timeout: 5000 }) : window.setTimeout(f, 200));
  const next = (i: number) => {
    const p = pieces[i];
    if (p) idle(() => void p().then(() => next(i + 1)));
  };
  next(0);
}

/**
 * Catches a piece that could not be loaded (a chunk missing after an update, the server gone): says what failed and
 * that reloading fetches it again. React.lazy, like the browser's module map, keeps a failed import failed, so a
 * reload is the fix; it loses nothing, as the renderer holds no durable state (main does).
 */
export class LazyBoundary extends Component<{ what: string; children: ReactNode; frame?: (notice: ReactNode) => ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`[baton] could not load ${this.props.what}:`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const notice = (
      <div className="notice notice-danger" role="alert" data-testid="lazy-load-error">
        <div className="notice-text">
          <span>
            Could not load {this.props.what}: {error.message}
          </span>
          <span className="notice-hint">Reload Baton to fetch it again (your sessions keep running; nothing is lost).</span>
        </div>
        <button className="btn btn-sm" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
    return this.props.frame ? this.props.frame(notice) : notice;
  }
}
