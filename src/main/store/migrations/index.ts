import { m001 } from './001_init';
import { m002 } from './002_projects';
import { m003 } from './003_worktrees';
import { m004 } from './004_sessions';
import { m005 } from './005_recovery';
import { m006 } from './006_orchestrator';
import { m007 } from './007_tasks';
import { m008 } from './008_session_prompt';
import { m009 } from './009_turn_request_ids';
import { m010 } from './010_session_reviews';
import { m011 } from './011_attention';
import { m012 } from './012_terminals';
import { m013 } from './013_project_host';
import { m014 } from './014_review_comments';
import { m015 } from './015_agent_commands_env_visibility';
import { m016 } from './016_project_notifications_muted';
import { m017 } from './017_session_unreachable';
import { m019 } from './019_project_location_unique';
import type { Migration } from './types';

/**
 * Append-only: never edit a released migration, add the next number. Numbers
 * are handed out to work in parallel branches, so one may land before a lower
 * one: versions increase, a gap is a number still on its way.
 */
export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014, m015, m016, m017, m019];

export const LATEST_VERSION = Math.max(0, ...migrations.map((m) => m.version));
