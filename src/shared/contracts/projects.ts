import { z } from 'zod';
import { domain, event, procedure } from '../contract';

/** What the sidebar and board need, and nothing else: never the project's config or env. */
export const ProjectSummary = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  prefix: z.string(),
  baseBranch: z.string(),
  orchestratorAgent: z.string(),
  sessionCounts: z.object({ active: z.number().int(), total: z.number().int() }),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const projectsContract = domain({
  procedures: {
    list: procedure(z.object({}).strict(), z.array(ProjectSummary)),
  },
  events: {
    changed: event(z.object({ projectId: z.string().optional() })),
  },
});
