/** What other features may use of the terminals feature (ADR 0015): the panel for a checkout, the line on a session card, the run command and editor settings. */
export { CardTerminals } from './CardTerminals';
export { EditorSetting } from './EditorSetting';
export { RunCommandSetting } from './RunCommandSetting';
export { TerminalsPanel } from './TerminalsPanel';
export type { TerminalPlace } from './terminals';
