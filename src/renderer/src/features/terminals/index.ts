/** What other features may use of the terminals feature (ADR 0015): the panel for a checkout, the line on a session card, the run command and editor settings. */
import type { ComponentProps } from 'react';
import { lazyView } from '../../ui/lazy';
import type { TerminalsPanel as TerminalsPanelType } from './TerminalsPanel';
export { CardTerminals } from './CardTerminals';
export { EditorSetting } from './EditorSetting';
export { RunCommandSetting } from './RunCommandSetting';
export type { TerminalPlace } from './terminals';

// Loaded on demand (issue 16): the board imports this index for CardTerminals; the panel shows only once opened.
export const TerminalsPanel = lazyView<ComponentProps<typeof TerminalsPanelType>>('the terminals', () => import('./TerminalsPanel').then((m) => m.TerminalsPanel));
