import { z } from 'zod';
import { visibleText } from '../hidden-chars';
import { domain, event, procedure } from '../contract';
import { APPROVAL_POLICIES } from '../approval';
import { HARNESS_IDS } from '../harness';
import { isSshDestination } from '../project-host';

const Id = z.string().min(1).max(100);
const AbsolutePath = z.string().trim().min(1, 'Enter the folder of a git repository.').max(4096);

/** A session prefix: names branches `baton/<prefix>-…` and folders, so it stays a plain slug. */
export const Prefix = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Use 1–40 lowercase letters, digits or dashes, starting with a letter or digit.');

export const EnvKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'Use letters, digits and underscores, not starting with a digit.');

/** A secret's value: write-only, and no process environment can carry a NUL. The message never quotes the value. */
export const EnvValue = z
  .string()
  .max(32_768)
  .refine((v) => !v.includes('\0'), 'The value contains a NUL character, which no environment variable can hold; remove it.');

export const EnvEntry = z.object({ key: z.string(), secret: z.boolean(), value: z.string().nullable() });
export type EnvEntry = z.infer<typeof EnvEntry>;

export const CopyFile = z.object({
  path: z.string().trim().min(1).max(1024),
  mode: z.enum(['copy', 'symlink']),
});
export type CopyFile = z.infer<typeof CopyFile>;

/** Where a project lives (ADR 0018): this machine, or an SSH destination as the user writes it for ssh. */
export const ProjectHost = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z.object({ kind: z.literal('ssh'), destination: z.string().refine(isSshDestination, 'Not a destination ssh accepts (an alias, user@host, or ssh://user@host:port).') }).strict(),
]);
export type ProjectHost = z.infer<typeof ProjectHost>;

/**
 * The link to a project's SSH destination, live (not stored): `idle` until first used; `disconnected`
 * means unreachable — its agents keep running there — never that they are gone.
 */
export const HostLinkView = z.object({
  state: z.enum(['idle', 'connecting', 'connected', 'disconnected']),
  /** ssh's own words for the last failure, when disconnected. */
  reason: z.string().nullable(),
});
export type HostLinkView = z.infer<typeof HostLinkView>;

/** What the sidebar and board need, and nothing else: never the project's config or env. */
export const ProjectSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** On the project's host: a local path, or the path on the SSH destination. */
  path: z.string(),
  host: ProjectHost,
  /** Null for a local project. */
  hostLink: HostLinkView.nullable(),
  prefix: z.string(),
  baseBranch: z.string(),
  orchestratorAgent: z.string(),
  /**
   * A digest of the orchestrator's whole effective launch (harness, command, arguments), null when it
   * cannot be resolved; compared with the running orchestrator's for Restart needed. Never the command line itself.
   */
  orchestratorLaunch: z.string().nullable(),
  sessionCounts: z.object({ active: z.number().int(), total: z.number().int() }),
  /** Its sessions raise no notification (they still count in the inbox). */
  notificationsMuted: z.boolean(),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

/** The settings page's view: env keys only, never their values (they are write-only). */
export const ProjectSettings = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  prefix: z.string(),
  baseBranch: z.string(),
  branches: z.array(z.string()),
  orchestratorAgent: z.enum(HARNESS_IDS),
  workerAgent: z.enum(HARNESS_IDS),
  /** The command line for the `custom` harness, e.g. `node my-agent.mjs --acp`. */
  customCommand: z.string(),
  /** The orchestrator's own custom command; empty: it runs `customCommand`, as workers do. */
  orchestratorCustomCommand: z.string(),
  envKeys: z.array(z.string()),
  /** Each variable: a non-secret one with its value, a secret one marked and without it (write-only). */
  env: z.array(EnvEntry),
  setupCommands: z.array(z.string()),
  copyFiles: z.array(CopyFile),
  approvalPolicy: z.enum(APPROVAL_POLICIES),
  notificationsMuted: z.boolean(),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

export const PathInspection = z.object({
  topLevel: z.string(),
  currentBranch: z.string().nullable(),
  suggestedName: z.string(),
  existingProjectId: z.string().nullable(),
});
export type PathInspection = z.infer<typeof PathInspection>;

export const ProjectPatch = z
  .object({
    name: visibleText(z.string().trim().min(1, 'The name cannot be empty.').max(100), 'project name'),
    prefix: Prefix,
    baseBranch: visibleText(z.string().min(1).max(250), 'base branch name'),
    orchestratorAgent: z.enum(HARNESS_IDS),
    workerAgent: z.enum(HARNESS_IDS),
    customCommand: z.string().max(4000),
    orchestratorCustomCommand: z.string().max(4000),
    setupCommands: z.array(z.string().trim().min(1).max(2000)).max(20),
    copyFiles: z.array(CopyFile).max(50),
    /** Ask, Auto-approve edits, or Auto-approve everything; requests waiting now that the new policy covers are answered at once. */
    approvalPolicy: z.enum(APPROVAL_POLICIES),
    /** Mute: the project's sessions raise no notification; the inbox, its count and the badge still include them. */
    notificationsMuted: z.boolean(),
  })
  .partial()
  .strict();
export type ProjectPatch = z.infer<typeof ProjectPatch>;

export const projectsContract = domain({
  procedures: {
    list: procedure(z.object({}).strict(), z.array(ProjectSummary)),
    /** Checks a path for the Add dialog's inline validation, without adding anything. */
    inspect: procedure(z.object({ path: AbsolutePath }).strict(), PathInspection),
    /** Adding a repository that is already a project opens that project (`existed: true`). `path` may be `ssh://<destination>/<absolute path>` (ADR 0018). */
    add: procedure(
      z.object({ path: AbsolutePath, name: visibleText(z.string().trim().min(1).max(100), 'project name').optional() }).strict(),
      z.object({ project: ProjectSummary, existed: z.boolean() }),
    ),
    get: procedure(z.object({ id: Id }).strict(), ProjectSettings),
    update: procedure(z.object({ id: Id, patch: ProjectPatch }).strict(), ProjectSettings),
    setEnv: procedure(
      /** `secret` (the default): write-only from then on; false: shown and editable in Settings. */
      z.object({ id: Id, key: EnvKey, value: EnvValue, secret: z.boolean().default(true) }).strict(),
      z.object({ envKeys: z.array(z.string()), env: z.array(EnvEntry) }),
    ),
    deleteEnv: procedure(z.object({ id: Id, key: EnvKey }).strict(), z.object({ envKeys: z.array(z.string()), env: z.array(EnvEntry) })),
    remove: procedure(z.object({ id: Id }).strict(), z.object({ removed: z.boolean() })),
  },
  events: {
    changed: event(z.object({ projectId: z.string().optional() })),
  },
});
