/** The import graph of a source tree from its import lines, grouped by a key (a folder, a file), and its cycles: ADR 0013. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Static `import`/`export ... from` (group 1 says `type` for a type-only one), side-effect imports and dynamic `import()`. */
const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s)?[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveFile(from: string, spec: string, extra: ReadonlyMap<string, string>): string {
  const base = resolve(dirname(from), spec);
  if (/\.tsx?$/.test(base)) return base;
  for (const ext of EXTENSIONS) if (existsSync(base + ext) || extra.has(base + ext)) return base + ext;
  return base;
}

/** An edge `from -> to` between two keys, with the import lines that make it. */
export type Graph = Map<string, Map<string, string[]>>;

/**
 * Builds the graph of relative imports inside `root`. `keyOf` maps a file (relative to root) to
 * its node, or null to leave it out; `extra` adds in-memory files (absolute path -> text) on top
 * of the tree, so a test can inject an import without writing into src. `typeOnly: false` leaves
 * out `import type` lines: erased at build, they make no cycle at run time.
 */
export function importGraph(
  root: string,
  keyOf: (rel: string) => string | null,
  opts: { extra?: ReadonlyMap<string, string>; typeOnly?: boolean } = {},
): Graph {
  const extra = opts.extra ?? new Map<string, string>();
  const absRoot = resolve(root);
  const texts = new Map<string, string>(sourceFiles(absRoot).map((f) => [f, readFileSync(f, 'utf8')]));
  for (const [f, t] of extra) texts.set(resolve(f), t);
  const graph: Graph = new Map();
  for (const [file, text] of texts) {
    const from = keyOf(relative(absRoot, file).split(sep).join('/'));
    if (from === null) continue;
    for (const m of text.matchAll(IMPORT)) {
      if (m[1] && opts.typeOnly === false) continue;
      const spec = m[2] ?? m[3] ?? m[4];
      if (!spec?.startsWith('.')) continue;
      const rel = relative(absRoot, resolveFile(file, spec, extra)).split(sep).join('/');
      if (rel.startsWith('..')) continue;
      const to = keyOf(rel);
      if (to === null || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${relative(absRoot, file)} -> ${spec}`]);
    }
  }
  return graph;
}

/** The strongly connected components with more than one node (Tarjan): each is one or more cycles. */
export function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** Each cycle with the import lines between its members, for a failure message that says what to move. */
export function describeCycles(graph: Graph): string[] {
  return cycles(graph).map((scc) => {
    const lines = scc.flatMap((a) => scc.flatMap((b) => (graph.get(a)?.get(b) ?? []).map((l) => `    ${a} -> ${b}: ${l}`)));
    return `  ${scc.join(' <-> ')}\n${lines.join('\n')}`;
  });
}
