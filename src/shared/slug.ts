/** Names made safe for branches and folders, shared so the New session dialog can show the branch a title gives. */

const SLUG_MAX = 40;

/** A session prefix derived from a project name: `My Project ü!` → `my-project-u`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return slug.length > 0 ? slug : 'project';
}

/** The part of a worker's worktree name (and default branch) taken from its title; main adds a piece of the session id. */
export const titleSlug = (title: string): string => slugify(title).slice(0, 30);
