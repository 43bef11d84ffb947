import { z } from 'zod';
import { domain, procedure } from '../contract';

/** The agents Baton knows how to start; a custom command belongs to a project and is checked in its settings. */
export const KNOWN_AGENT_IDS = ['claude-code', 'codex', 'gemini'] as const;

export const AgentInstall = z.object({
  id: z.enum(KNOWN_AGENT_IDS),
  /** As people call it: "Claude Code". */
  name: z.string(),
  /** The command Baton runs (`claude-agent-acp`), found on the PATH Baton was started with. */
  bin: z.string(),
  installed: z.boolean(),
  /** Where it was found; null when it was not. */
  path: z.string().nullable(),
  /** Its version when it told us (package.json, else `--version`); null when it did not in time. */
  version: z.string().nullable(),
  /** The npm package that provides it, and the one command that installs it. */
  npmPackage: z.string(),
  installCommand: z.string(),
  /** A note for people when something is off (no version within the timeout, say); null when all is well. */
  note: z.string().nullable(),
});
export type AgentInstall = z.infer<typeof AgentInstall>;

export const AgentsReport = z.object({
  agents: z.array(AgentInstall),
  /** When this machine was last looked at; the list is cached until a refresh. */
  checkedAt: z.string(),
});
export type AgentsReport = z.infer<typeof AgentsReport>;

export const agentsContract = domain({
  procedures: {
    /** Which agents this machine has: cached; `refresh` looks again (bounded by a timeout, never longer). */
    list: procedure(z.object({ refresh: z.boolean().optional() }).strict(), AgentsReport),
  },
  events: {},
});
