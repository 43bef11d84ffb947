import type { Migration } from './types';

/**
 * A project's notifications can be muted: its sessions still count in the
 * inbox, the badge and the title, but raise no notification. Every existing
 * project stays as it was (not muted).
 */
export const m016: Migration = {
  version: 16,
  name: 'project_notifications_muted',
  sql: `
    ALTER TABLE projects ADD COLUMN notifications_muted INTEGER NOT NULL DEFAULT 0 CHECK (notifications_muted IN (0, 1));
  `,
};
