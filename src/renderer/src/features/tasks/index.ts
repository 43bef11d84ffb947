/** What other features may use of the tasks feature (ADR 0015): everything else in this folder is its own. */
export { WakeStatus } from './WakeStatus';
