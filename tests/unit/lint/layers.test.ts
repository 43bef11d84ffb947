import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');

/**
 * ADR 0013 through the repo's own eslint.config.js: text linted as if it were a file at that path
 * (the file need not exist; no typed rules are asked for, so the parser's project is not consulted).
 */
async function restrictedImports(relPath: string, text: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: join(ROOT, 'eslint.config.js'),
    overrideConfig: { languageOptions: { parserOptions: { project: null, projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, relPath) });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('the layers inside src/main, as lint sees them', () => {
  it('rejects a domain importing the API edge', async () => {
    const msgs = await restrictedImports('src/main/tasks/injected.ts', "import { createRouter } from '../api/router';\nexport const r = createRouter;\n");
    expect(msgs).toEqual([expect.stringContaining('does not import the API edge')]);
  }, 60_000);

  it("rejects a domain importing one of runtime's files, and allows its port", async () => {
    expect(await restrictedImports('src/main/sessions/injected.ts', "import { launchHost } from '../runtime/launch';\nexport const l = launchHost;\n")).toEqual([
      expect.stringContaining('only through its port'),
    ]);
    expect(await restrictedImports('src/main/recovery/injected.ts', "import { sessionJournalPath } from '../runtime';\nexport const p = sessionJournalPath;\n")).toEqual([]);
  }, 60_000);

  it('rejects lib importing from main, and lets the edge and the adapters import what they wire', async () => {
    expect(await restrictedImports('src/main/lib/injected.ts', "import { createTasksService } from '../tasks/service';\nexport const s = createTasksService;\n")).toEqual([
      expect.stringContaining('bottom of main'),
    ]);
    expect(await restrictedImports('src/main/lib/injected.ts', "import type { Result } from '../../shared/result';\nexport type R = Result<number>;\n")).toEqual([]);
    expect(await restrictedImports('src/main/app/injected.ts', "import { createRouter } from '../api/router';\nexport const r = createRouter;\n")).toEqual([]);
  }, 60_000);

  it('still keeps electron out of a domain (the domain block repeats the main-wide rule)', async () => {
    expect(await restrictedImports('src/main/tasks/injected.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([expect.stringContaining('electron only under src/main/electron')]);
  }, 60_000);
});
