/** What other features may use of the session feature (ADR 0015): everything else in this folder is its own. */
export { selectProjectSessions } from './sessions';
