import { lookupProcedure, type InputOf, type OutputOf } from '../shared/contract';
import { contract, type BatonProcedure, type Contract } from '../shared/contracts';
import type { ProjectSummary } from '../shared/contracts/projects';
import { fail, ok, type Result } from '../shared/result';
import type { Backend } from './backend';

export type Call = <N extends BatonProcedure>(name: N, input: InputOf<Contract, N>) => Promise<Result<OutputOf<Contract, N>>>;

/**
 * Typed calls over either backend. Answers are parsed with the contract's own
 * output schema: over the socket they are just JSON, and an app of another
 * version may answer in a shape this command does not know.
 */
export function typedCall(backend: Backend): Call {
  return async <N extends BatonProcedure>(name: N, input: InputOf<Contract, N>): Promise<Result<OutputOf<Contract, N>>> => {
    const r = await backend.call(name, input);
    if (!r.ok) return r;
    const def = lookupProcedure(contract, name);
    const parsed = def?.output.safeParse(r.value);
    if (!parsed?.success) {
      return fail('unexpected_answer', `The running Baton (${backend.version}) answered ${name} in a shape this baton command does not understand; use the baton command from the same install.`);
    }
    return ok(parsed.data as OutputOf<Contract, N>);
  };
}

/**
 * `<project>` on the command line: an id, a name or a prefix, exactly (case
 * aside), else as the start of one. More than one project matching is an
 * error that lists them, never a guess.
 */
export function matchProject(projects: readonly ProjectSummary[], query: string): Result<ProjectSummary> {
  const q = query.trim().toLowerCase();
  if (!q) return fail('usage', 'Name a project: its id, name or prefix.');
  const keys = (p: ProjectSummary) => [p.id.toLowerCase(), p.name.toLowerCase(), p.prefix.toLowerCase()];
  const exact = projects.filter((p) => keys(p).includes(q));
  const candidates = exact.length > 0 ? exact : projects.filter((p) => keys(p).some((k) => k.startsWith(q)));
  const [only, ...rest] = candidates;
  if (only && rest.length === 0) return ok(only);
  if (only) {
    const list = candidates.map((p) => `${p.name} (id ${p.id}, prefix ${p.prefix})`).join(', ');
    return fail('ambiguous_project', `"${query}" matches ${candidates.length} projects: ${list}. Use more of the id, or the full name.`);
  }
  const known = projects.length ? `Projects: ${projects.map((p) => p.name).join(', ')}.` : 'There are no projects yet; add one in the app.';
  return fail('unknown_project', `No project matches "${query}". ${known}`);
}
