/** The OS colour scheme as a hook, for the diff library. */
import { useSyncExternalStore } from 'react';

// One query for the whole page: every file's view reads it, and matchMedia is not free.
let query: MediaQueryList | null = null;
const dark = () => (query ??= window.matchMedia('(prefers-color-scheme: dark)'));

const subscribe = (cb: () => void) => {
  dark().addEventListener('change', cb);
  return () => dark().removeEventListener('change', cb);
};
const snapshot = (): 'light' | 'dark' => (dark().matches ? 'dark' : 'light');

/** The OS theme, as tokens.css follows it, for the diff library (which takes it as a prop). */
export function useColorScheme(): 'light' | 'dark' {
  return useSyncExternalStore(subscribe, snapshot);
}
