/** What other features may use of the terminals feature (ADR 0015): the panel for a checkout, the line on a session card, the run command setting. */
export { CardTerminals } from './CardTerminals';
export { RunCommandSetting } from './RunCommandSetting';
export { TerminalsPanel } from './TerminalsPanel';
export type { TerminalPlace } from './terminals';
