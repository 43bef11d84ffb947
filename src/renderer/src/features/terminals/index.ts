/** What other features may use of the terminals feature (ADR 0015): the panel for a checkout. */
export { TerminalsPanel } from './TerminalsPanel';
export type { TerminalPlace } from './terminals';
