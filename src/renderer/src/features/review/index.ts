/** What other features may use of the review feature (ADR 0015): everything else in this folder is its own. */
export { CardStat } from './CardStat';
export { ChangesView } from './ChangesView';
export { OpenChangesButton } from './OpenChangesButton';
export { SessionTabs, useChangesOpen } from './SessionTabs';
