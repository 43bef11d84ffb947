/** What other features may use of the terminals feature (ADR 0015): the panel for a checkout, the line on a session card. */
export { CardTerminals } from './CardTerminals';
export { TerminalsPanel } from './TerminalsPanel';
export type { TerminalPlace } from './terminals';
