/** What other features may use of the review feature (ADR 0015): everything else in this folder is its own. */
import type { ComponentProps } from 'react';
import { lazyView } from '../../ui/lazy';
import type { ChangesView as ChangesViewType } from './ChangesView';
import type { WorktreeChanges as WorktreeChangesType } from './WorktreeChanges';
export { CardStat } from './CardStat';
export { OpenChangesButton } from './OpenChangesButton';
export { SessionTabs, useChangesOpen, useShowChanges } from './SessionTabs';

// Loaded on demand (issue 16): the board imports this index for CardStat, and a static re-export would put the diff
// views, their file tree and the virtualizer in the page's first chunk.
export const ChangesView = lazyView<ComponentProps<typeof ChangesViewType>>('the changes', () => import('./ChangesView').then((m) => m.ChangesView));
export const WorktreeChanges = lazyView<ComponentProps<typeof WorktreeChangesType>>('the worktree’s changes', () => import('./WorktreeChanges').then((m) => m.WorktreeChanges));
