export type { GitError, GitErrorCode, GitErrorKind } from './errors';
export { inspectRepository, type RepositoryInfo } from './repo';
export { slugify, validateBranchName, branchNameFor } from './names';
export { createWorktreeManager, type WorktreeManager, type WorktreeManagerOptions } from './worktrees';
export type { CreateWorktreeInput, CreatedWorktree, WorktreeRole } from './create';
export type { WorktreeInfo } from './worktree-list';
export type { Reconciliation } from './reconcile';
export type { Preserved, PreservedEntry } from './preserve';
export type { Released } from './release';
