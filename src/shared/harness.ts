/** The agents Baton knows how to run. Resolution (commands, detection) lives in main. */
export const HARNESS_IDS = ['claude-code', 'codex', 'gemini', 'custom'] as const;
export type HarnessId = (typeof HARNESS_IDS)[number];

export const HARNESS_LABELS: Record<HarnessId, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  custom: 'Custom command',
};

export const DEFAULT_HARNESS: HarnessId = 'claude-code';
