/**
 * The diff view's chunk (the library and its highlighter), a piece of its own (ui/lazy.tsx): fetched with the first
 * changes view or ahead of it, and once there drawn at once. A lazy component would suspend on its first render even
 * with its chunk already there, and React then reveals the list a task (and a throttle) later: on a change of
 * thousands of files that was most of the wait between the answer and the first rows.
 */
import { lazyPiece } from '../../ui/lazy';
import type DiffListComponent from './DiffList';

export const DiffList = lazyPiece<Parameters<typeof DiffListComponent>[0]>(() => import('./DiffList').then((m) => m.default));
