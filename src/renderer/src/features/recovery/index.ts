/** What other features may use of the recovery feature (ADR 0015): everything else in this folder is its own. */
export { ActionOutcome, ContinueButton, DivergenceNotice, RetryButton } from './RecoveryControls';
export { FAILED_HINT, selectSessionAction } from './session-actions';
