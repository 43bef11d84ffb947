import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '../../../src');

/**
 * Casts that stood in for typed events before each payload had its schema
 * (stores and the composition root guessing at `unknown`). Listeners and
 * subscribers now get the type the contract declares, so none may come back.
 */
const CASTS: { pattern: RegExp; was: string }[] = [
  { pattern: /\bpayload\)?\s+as\s+(\{|[A-Z]|unknown\b|never\b|readonly\b)/, was: '(payload as { sessionId?: unknown }).sessionId' },
  { pattern: /\bpayload\)?\s+as\s+(\{|[A-Z]|unknown\b|never\b|readonly\b)/, was: "tasks.deliverFor((payload as { projectId: string }).projectId)" },
  { pattern: /\brecords\s+as\s+(readonly\s+)?JournalRecord/, was: 'p.records as JournalRecord[]' },
  { pattern: /\bprojectIdOf\(/, was: 'projectIdOf(payload)' },
];

/** Comment lines may say "payload as a subscriber receives it". */
const COMMENT = /^\s*(\/\/|\/\*|\*)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(e.name) ? [path] : [];
  });
}

describe('no casts of event payloads in src/', () => {
  it('catches each removed cast as it was written', () => {
    for (const { pattern, was } of CASTS) expect(pattern.test(was), was).toBe(true);
  });

  it('finds none', () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (COMMENT.test(line)) return;
          if (CASTS.some(({ pattern }) => pattern.test(line))) found.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
