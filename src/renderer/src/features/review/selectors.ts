/** The Changes view's pure rules and selectors, tested without React. */
import type { CommitView, DiffFileView, MergeView, PrView, ReviewStat } from '../../../../shared/contracts/review';
import type { TranscriptItem } from '../../../../shared/transcript';

// The comment rules live in shared (main builds the prompt); re-exported for the view's own use.
export { commentsPrompt, sortComments, type ReviewComment } from '../../../../shared/review-comments';

/** Pure rules of the Changes view, tested without React (tests/renderer/review-rules.test.ts). */

export type TreeRow = { kind: 'dir'; path: string; name: string; depth: number } | { kind: 'file'; file: DiffFileView; name: string; depth: number };

// The same order as localeCompare, at a fraction of its cost: 2,000 files sort once per open.
const byName = new Intl.Collator().compare;
// A list's tree, built once: the Changes view orders the diff by it and the file list draws it.
const trees = new WeakMap<readonly DiffFileView[], TreeRow[]>();

/** The file list as a tree: directories first at each level, as in an editor, with one row per directory and file. */
export function fileTree(files: readonly DiffFileView[]): TreeRow[] {
  const known = trees.get(files);
  if (known) return known;
  interface Dir {
    dirs: Map<string, Dir>;
    files: DiffFileView[];
  }
  const root: Dir = { dirs: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split('/');
    let d = root;
    for (const p of parts.slice(0, -1)) {
      let next = d.dirs.get(p);
      if (!next) d.dirs.set(p, (next = { dirs: new Map(), files: [] }));
      d = next;
    }
    d.files.push(f);
  }
  const rows: TreeRow[] = [];
  const walk = (d: Dir, prefix: string, depth: number) => {
    for (const [name, sub] of [...d.dirs].sort(([a], [b]) => byName(a, b))) {
      // A chain of single-child directories is one row ("src/main/review"), as GitHub shows it.
      let label = name;
      let node = sub;
      while (node.files.length === 0 && node.dirs.size === 1) {
        const [n, only] = [...node.dirs][0]!;
        label += `/${n}`;
        node = only;
      }
      const path = prefix + label;
      rows.push({ kind: 'dir', path, name: label, depth });
      walk(node, `${path}/`, depth + 1);
    }
    for (const f of [...d.files].sort((a, b) => byName(a.path, b.path))) rows.push({ kind: 'file', file: f, name: f.path.split('/').at(-1) ?? f.path, depth });
  };
  walk(root, '', 0);
  trees.set(files, rows);
  return rows;
}

/** The files in the tree's order, so the diff reads in the order the list shows (and the list, given them, draws the same tree without building it again). */
export function treeOrder(files: readonly DiffFileView[]): DiffFileView[] {
  const rows = fileTree(files);
  const ordered = rows.flatMap((r) => (r.kind === 'file' ? [r.file] : []));
  trees.set(ordered, rows);
  return ordered;
}

const STATUS_LETTER: Record<DiffFileView['status'], string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', copied: 'C', type_changed: 'T' };

/** The badge on a file row: its status letter, B for a binary file. */
export function fileBadge(f: DiffFileView): { letter: string; label: string } {
  if (f.binary) return { letter: 'B', label: `binary, ${f.status.replace('_', ' ')}` };
  return { letter: STATUS_LETTER[f.status], label: f.status.replace('_', ' ') };
}

/** Why a listed file shows no diff, in words a person acts on. */
export function omittedText(f: DiffFileView): string | null {
  switch (f.omitted) {
    case 'binary':
      return 'Binary file: no line diff. Open it from the worktree to look at it.';
    case 'too_large':
      return `Large file (${(f.additions ?? 0) + (f.deletions ?? 0)} changed lines or over 1 MB): its diff is not loaded. Run git diff in the worktree to read it.`;
    case 'patch_budget':
      return 'Not loaded: this change is bigger than one view holds. Narrow the scope (uncommitted, since last turn) or run git diff in the worktree.';
    case 'stat_only':
      return 'Only the counts were read.';
    default:
      return null;
  }
}

export function statText(s: Pick<ReviewStat, 'files' | 'additions' | 'deletions'>): string {
  return `${s.files} ${s.files === 1 ? 'file' : 'files'} +${s.additions} −${s.deletions}`;
}

/** The agent's last message: the summary a commit message starts from. */
export function lastAgentSummary(items: readonly TranscriptItem[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (it.type === 'agent' && it.text.trim()) return it.text.trim();
  }
  return '';
}

/** Prefilled commit message: the session title, then the agent's last summary as the body. */
export function defaultCommitMessage(title: string, summary: string): string {
  const subject = title.trim().split('\n')[0]!.slice(0, 72);
  const body = summary.trim().slice(0, 4000);
  return body ? `${subject}\n\n${body}` : subject;
}

export type Outcome = { kind: 'ok' | 'error' | 'warn'; text: string; files?: string[]; detail?: string; link?: string };

export function commitOutcome(v: CommitView): Outcome {
  if (v.status === 'committed') return { kind: 'ok', text: `Committed ${v.commit.slice(0, 7)} (${v.files.length} ${v.files.length === 1 ? 'file' : 'files'}).` };
  if (v.status === 'nothing_to_commit') return { kind: 'warn', text: 'Nothing to commit: the worktree has no uncommitted change.' };
  return {
    kind: 'error',
    text: `The ${v.hooks.join(', ') || 'commit'} hook refused, so nothing was committed. Fix what it says (or ask the agent to), then commit again.`,
    detail: v.output,
  };
}

const REFUSED: Record<Extract<MergeView, { status: 'refused' }>['reason'], string> = {
  base_dirty: 'The base branch’s checkout has uncommitted changes in these files; commit or stash them there, then merge again.',
  base_busy: 'The base branch’s checkout is in the middle of another operation (a merge or rebase); finish it there, then merge again.',
  base_moved: 'The base branch moved while merging; merge again.',
  session_dirty: 'The session’s worktree has uncommitted changes; commit them first (above), then merge.',
};

export function mergeOutcome(v: MergeView): Outcome {
  switch (v.status) {
    case 'merged':
      return { kind: 'ok', text: `Merged (${v.mode}) as ${v.commit.slice(0, 7)}${v.where === 'checkout' && v.checkoutPath ? `, checked out in ${v.checkoutPath}` : ''}.` };
    case 'up_to_date':
      return { kind: 'warn', text: `Nothing to merge: the base already has this work (${v.commit.slice(0, 7)}).` };
    case 'conflict':
      return { kind: 'error', text: 'The merge conflicts in these files; nothing was changed. Ask the agent to resolve them, then merge again.', files: v.files };
    case 'refused':
      return { kind: 'error', text: `${v.message} ${REFUSED[v.reason]}`, files: v.files };
  }
}

export function prOutcome(v: PrView): Outcome {
  const pushed = `Pushed ${v.pushed.branch} to ${v.pushed.remote}.`;
  if (v.pr.kind === 'created') return { kind: 'ok', text: `${pushed} Pull request opened:`, link: v.pr.url };
  if (v.pr.kind === 'compare') return { kind: 'warn', text: `${pushed} ${v.pr.why} Open the pull request here:`, link: v.pr.url };
  return { kind: 'warn', text: `${pushed} ${v.pr.message}` };
}

const LANGS: Record<string, string> = {
  ts: 'typescript', tsx: 'tsx', mts: 'typescript', cts: 'typescript', js: 'javascript', jsx: 'jsx', mjs: 'javascript', cjs: 'javascript',
  json: 'json', md: 'markdown', css: 'css', scss: 'scss', html: 'xml', xml: 'xml', svg: 'xml', py: 'python', rb: 'ruby', go: 'go',
  rs: 'rust', java: 'java', kt: 'kotlin', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp', sh: 'bash', bash: 'bash',
  yml: 'yaml', yaml: 'yaml', toml: 'ini', sql: 'sql', swift: 'swift', php: 'php', lua: 'lua', txt: 'plaintext',
};

/** The highlighter's language for a path ("plaintext" when unknown: no guessing, which costs time on big diffs). */
export function languageOf(path: string): string {
  const ext = path.includes('.') ? path.split('.').at(-1)!.toLowerCase() : '';
  return LANGS[ext] ?? 'plaintext';
}
