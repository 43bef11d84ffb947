/** The keyboard outside the palette: Ctrl/Cmd+K, single-key shortcuts, and j/k/Enter over the board's cards. */
import { useEffect, useRef } from 'react';

/** Typing in a field, or a dialog on screen: letters are text there, not commands. */
function typing(e: KeyboardEvent): boolean {
  const t = e.target;
  if (t instanceof HTMLElement && (t.isContentEditable || t.closest('input, textarea, select, [contenteditable="true"]'))) return true;
  return document.querySelector('dialog[open], [role="dialog"]') !== null;
}

/** What a key sequence does: `g` then a letter goes to a tab; `n` opens New session. */
export type ShortcutAction = 'palette' | 'new-session' | 'tab-board' | 'tab-tasks' | 'tab-worktrees' | 'tab-settings';

const AFTER_G: Record<string, ShortcutAction> = { b: 'tab-board', t: 'tab-tasks', w: 'tab-worktrees', s: 'tab-settings' };

/** The board's cards, in the order they are shown (grouped or not): the buttons that open them. */
export const boardCards = (): HTMLButtonElement[] => [...document.querySelectorAll<HTMLButtonElement>('[data-testid="project-board"] .session-card-open')];

/** The session a board card's button opens (its id is `session-card-title-<session id>`). */
export const cardSessionId = (el: Element | null): string | null => (el instanceof HTMLElement && el.id.startsWith('session-card-title-') ? el.id.slice('session-card-title-'.length) : null);

/**
 * j/k move the focus over the board's cards (Enter opens the focused one: it
 * is its button). Reads the cards from the page, so any board layout adopts
 * it without code of its own; a board may also call `moveBoardFocus` itself.
 */
export function moveBoardFocus(step: 1 | -1): boolean {
  const cards = boardCards();
  if (cards.length === 0) return false;
  const at = cards.findIndex((c) => c === document.activeElement);
  const next = at === -1 ? (step === 1 ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, at + step));
  cards[next]!.focus();
  cards[next]!.scrollIntoView({ block: 'nearest' });
  return true;
}

/** Installs the app's shortcuts for as long as the component that calls it is mounted. */
export function useShortcuts(run: (a: ShortcutAction) => void): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        latest.current('palette');
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
      const key = e.key.toLowerCase();
      if (pendingG && Date.now() - pendingG < 1500 && AFTER_G[key]) {
        e.preventDefault();
        pendingG = 0;
        latest.current(AFTER_G[key]);
        return;
      }
      pendingG = key === 'g' ? Date.now() : 0;
      if (key === 'n') {
        e.preventDefault();
        latest.current('new-session');
      } else if (key === 'j' || key === 'k') {
        if (moveBoardFocus(key === 'j' ? 1 : -1)) e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
