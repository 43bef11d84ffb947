import type { Migration } from './types';

/**
 * The orchestrator's own custom command ('' = the project's custom command, as
 * before), and which environment values are secret: those stay write-only;
 * the others are shown and edited in Settings. Every existing value stays secret.
 */
export const m015: Migration = {
  version: 15,
  name: 'agent_commands_env_visibility',
  sql: `
    ALTER TABLE projects ADD COLUMN orchestrator_custom_command TEXT NOT NULL DEFAULT '';
    ALTER TABLE project_env ADD COLUMN secret INTEGER NOT NULL DEFAULT 1 CHECK (secret IN (0, 1));
  `,
};
