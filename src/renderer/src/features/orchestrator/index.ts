/** What other features may use of the orchestrator feature (ADR 0015): everything else in this folder is its own. */
export { REVIVAL_BLOCK_NOTES, selectIsCurrentOrchestrator, selectIsDuplicate, selectOrchestrator, selectRevivalBlock } from './orchestrator';
