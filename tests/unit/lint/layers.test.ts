import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');

/**
 * ADRs 0013 and 0015 through the repo's own eslint.config.js: text linted as if it were a file at that path
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

describe('the renderer by feature (ADR 0015), as lint sees it', () => {
  const R = 'src/renderer/src';

  it("rejects a feature reaching into another feature's file, and allows that feature's index", async () => {
    expect(await restrictedImports(`${R}/features/board/injected.ts`, "import { selectSessionAction } from '../recovery/session-actions';\nexport const s = selectSessionAction;\n")).toEqual([
      expect.stringContaining('only through its index.ts'),
    ]);
    expect(await restrictedImports(`${R}/features/board/injected.ts`, "import { selectSessionAction } from '../recovery';\nexport const s = selectSessionAction;\n")).toEqual([]);
    expect(await restrictedImports(`${R}/features/board/injected.ts`, "import { useBaton } from '../../app/react';\nimport { Dialog } from '../../ui/Dialog';\nexport const x = [useBaton, Dialog];\n")).toEqual([]);
  }, 60_000);

  it('rejects a feature importing the shell or the store assembly', async () => {
    expect(await restrictedImports(`${R}/features/tasks/injected.ts`, "import { App } from '../../shell/App';\nexport const a = App;\n")).toEqual([expect.stringContaining('neither the shell nor the store assembly')]);
    expect(await restrictedImports(`${R}/features/tasks/injected.ts`, "import { createBatonStore } from '../../app/store';\nexport const c = createBatonStore;\n")).toEqual([
      expect.stringContaining('neither the shell nor the store assembly'),
    ]);
  }, 60_000);

  it('keeps ui/ and api/ at the bottom: shared only', async () => {
    expect(await restrictedImports(`${R}/ui/injected.ts`, "import { useBaton } from '../app/react';\nexport const u = useBaton;\n")).toEqual([expect.stringContaining('bottom of the renderer')]);
    expect(await restrictedImports(`${R}/api/injected.ts`, "import { Dialog } from '../ui/Dialog';\nexport const d = Dialog;\n")).toEqual([expect.stringContaining('bottom of the renderer')]);
    expect(await restrictedImports(`${R}/ui/injected.ts`, "import type { TaskStatus } from '../../../shared/contracts/tasks';\nexport type T = TaskStatus;\n")).toEqual([]);
  }, 60_000);

  it("lets app/ import the features' slices but not their components or the shell", async () => {
    expect(await restrictedImports(`${R}/app/injected.ts`, "import { createTasksSlice } from '../features/tasks/tasks';\nexport const c = createTasksSlice;\n")).toEqual([]);
    expect(await restrictedImports(`${R}/app/injected.ts`, "import { TasksPanel } from '../features/tasks/TasksPanel';\nexport const p = TasksPanel;\n")).toEqual([expect.stringContaining('not their components')]);
    expect(await restrictedImports(`${R}/app/injected.ts`, "import { App } from '../shell/App';\nexport const a = App;\n")).toEqual([expect.stringContaining('sits on top of it')]);
  }, 60_000);

  it('still keeps Node and main out of a feature (the folder blocks repeat the renderer-wide rule)', async () => {
    expect(await restrictedImports(`${R}/features/tasks/injected.ts`, "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([expect.stringContaining('no Node built-ins')]);
    expect(await restrictedImports(`${R}/features/tasks/injected.ts`, "import { createTasksService } from '../../../../main/tasks/service';\nexport const s = createTasksService;\n")).toEqual([
      expect.stringContaining('only through the contract client'),
    ]);
  }, 60_000);
});
