/**
 * The command palette (Ctrl/Cmd+K) as the page first loads it: the keyboard shortcuts and whether it is open. Its
 * dialog (cmdk, Radix, the command list) is a chunk of its own, fetched when the page is idle after the board's first
 * paint or on the first Ctrl/Cmd+K, whichever comes first (issue 16).
 */
import { Suspense, useEffect, useState, type ReactNode } from 'react';
import { useBaton } from '../../app/react';
import { Spinner } from '../../ui/feedback';
import { LazyBoundary, lazyPiece } from '../../ui/lazy';
import { cardSessionId, useShortcuts } from './keys';
import type { PaletteDialogProps } from './PaletteDialog';

const Dialog = lazyPiece<PaletteDialogProps>(() => import('./PaletteDialog').then((m) => m.PaletteDialog));

/** Fetches the palette's dialog ahead of its first opening. */
export const preloadPalette = Dialog.preload;

type Tab = 'board' | 'tasks' | 'worktrees' | 'settings';

export function CommandPalette(props: { onNewSession: () => void; onAddProject: () => void; onOpenSettings: () => void }) {
  const [open, setOpen] = useState(false);
  // Each opening mounts the dialog afresh: its search, confirmation and error start empty.
  const [openings, setOpenings] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  // Typed into the loading frame's field before the dialog's code arrived: handed to its search, so no key is lost.
  const [typedAhead, setTypedAhead] = useState('');
  const hasProject = useBaton((s) => s.selectedProjectId !== null && s.projects.some((p) => p.id === s.selectedProjectId));
  const showBoard = useBaton((s) => s.showBoard);
  const setProjectTab = useBaton((s) => s.setProjectTab);

  const show = () => {
    setCursor(cardSessionId(document.activeElement));
    setTypedAhead('');
    setOpenings((n) => n + 1);
    setOpen(true);
  };
  const close = () => setOpen(false);
  useShortcuts((a) => {
    if (a === 'palette') return open ? close() : show();
    if (a === 'new-session') return hasProject ? props.onNewSession() : undefined;
    if (!hasProject) return;
    const t = a.slice('tab-'.length) as Tab;
    if (t === 'board') showBoard();
    else setProjectTab(t);
  });

  // Never opened: nothing of the dialog is needed yet, not even its chunk.
  if (openings === 0) return null;
  return (
    <LazyBoundary what="the command palette" frame={(notice) => open && <PaletteFrame onClose={close}>{notice}</PaletteFrame>}>
      <Suspense
        fallback={
          open && (
            <PaletteFrame onClose={close}>
              {/* The field takes the keys at once (a person types right after Ctrl+K): none reach the board behind. */}
              <input className="palette-typeahead" autoFocus value={typedAhead} onChange={(e) => setTypedAhead(e.target.value)} aria-label="Command" placeholder="Type a command…" data-testid="palette-typeahead" />
              <div className="muted palette-loading" role="status">
                <Spinner /> Loading the command palette…
              </div>
            </PaletteFrame>
          )
        }
      >
        <Dialog.Component key={openings} open={open} onOpenChange={(o) => (o ? show() : close())} cursor={cursor} initialSearch={typedAhead} onNewSession={props.onNewSession} onAddProject={props.onAddProject} onOpenSettings={props.onOpenSettings} />
      </Suspense>
    </LazyBoundary>
  );
}

/** The palette's place on screen (its overlay and box) for what shows before or instead of it; Escape or a click outside closes it. */
function PaletteFrame({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <>
      <div className="palette-overlay" onClick={onClose} />
      <div className="palette" role="dialog" aria-label="Command palette">
        {children}
      </div>
    </>
  );
}
