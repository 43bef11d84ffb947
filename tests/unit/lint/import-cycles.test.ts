import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, describeCycles, importGraph } from './import-graph';

const MAIN = join(__dirname, '../../../src/main');
const RENDERER = join(__dirname, '../../../src/renderer/src');

/** src/main grouped by its top folder; files at its root (serve.ts) are entry points, not a layer. */
const mainFolder = (rel: string): string | null => (rel.includes('/') ? rel.split('/')[0]! : null);

/** The renderer's features, one node each (features/<domain>/...); app/, shell/, ui/ and api/ are left out. */
const feature = (rel: string): string | null => /^features\/([^/]+)\//.exec(rel)?.[1] ?? null;

// ADR 0013: no import cycles between the folders of src/main (types included); none at run time between files of the renderer.
// ADR 0015: none between the renderer's features (types included): they use each other through their index.ts, one way.
describe('import cycles', () => {
  it('src/main has no cycle between folders', () => {
    expect(describeCycles(importGraph(MAIN, mainFolder))).toEqual([]);
  });

  // Type-only imports are left out here: erased at build, they cannot break Fast Refresh or module order
  // (app/types.ts names the slices' types, and each slice names the whole store's type).
  it('src/renderer/src has no cycle between files (a cycle through a component breaks Fast Refresh)', () => {
    expect(describeCycles(importGraph(RENDERER, (rel) => rel, { typeOnly: false }))).toEqual([]);
  });

  it("src/renderer/src has no cycle between features, types included", () => {
    expect(describeCycles(importGraph(RENDERER, feature))).toEqual([]);
  });

  it('catches a cycle between two features (recovery importing back from the board that uses it)', () => {
    const injected = new Map([[join(RENDERER, 'features/recovery/injected.ts'), "import type { SessionCard } from '../board/SessionCard';\nexport type C = typeof SessionCard;\n"]]);
    expect(cycles(importGraph(RENDERER, feature, { extra: injected }))).toEqual([expect.arrayContaining(['board', 'recovery'])]);
  });

  it('catches an injected cycle, naming the import lines (a domain importing back from runtime)', () => {
    const injected = new Map([[join(MAIN, 'sessions/injected.ts'), "import { launchHost } from '../runtime';\nexport const x = launchHost;\n"]]);
    const graph = importGraph(MAIN, mainFolder, { extra: injected });
    expect(cycles(graph)).toEqual([['runtime', 'sessions']]);
    const text = describeCycles(graph).join('\n');
    expect(text).toContain("sessions -> runtime: sessions/injected.ts -> ../runtime");
    expect(text).toContain('runtime -> sessions: runtime/host-port.ts -> ../sessions/host-port');
  });

  it('counts type-only and dynamic imports, and an export-from', () => {
    const injected = new Map([
      [join(MAIN, 'lib/a-probe.ts'), "export type { X } from '../tasks/repository';\n"],
      [join(MAIN, 'tasks/b-probe.ts'), "import type { Y } from '../lib/wait';\nconst z = () => import('../lib/wait');\n"],
    ]);
    const found = cycles(importGraph(MAIN, mainFolder, { extra: injected }));
    expect(found).toHaveLength(1);
    expect(found[0]).toEqual(expect.arrayContaining(['lib', 'tasks']));
  });
});
