/** The diff view's chunk (the library and its highlighter): loaded once, and handed over synchronously once it is there. */
import { lazy, type ComponentType } from 'react';
import type DiffListComponent from './DiffList';

type DiffListProps = Parameters<typeof DiffListComponent>[0];

let loaded: ComponentType<DiffListProps> | null = null;
let loading: Promise<{ default: ComponentType<DiffListProps> }> | null = null;

/** Starts (or joins) the chunk's load; the session view calls it early so Changes opens without waiting for it. */
export function loadDiffList(): Promise<{ default: ComponentType<DiffListProps> }> {
  loading ??= import('./DiffList').then((m) => {
    loaded = m.default;
    return m;
  });
  return loading;
}

const LazyDiffList = lazy(loadDiffList);

/**
 * The component itself once its chunk has loaded, else a lazy one. A lazy component suspends on its first render
 * even when its chunk is already there, and React then reveals the list a task (and a throttle) later: on a
 * change of thousands of files that was most of the wait between the answer and the first rows.
 */
export function diffListComponent(): ComponentType<DiffListProps> {
  return loaded ?? LazyDiffList;
}
