import { describe, expect, it } from 'vitest';
import { describeZodError } from '../../../src/main/api/validation';
import { projectsContract } from '../../../src/shared/contracts/projects';
import { sessionsContract } from '../../../src/shared/contracts/sessions';
import { reviewContract } from '../../../src/shared/contracts/review';
import { tasksContract } from '../../../src/shared/contracts/tasks';

/** The message a caller gets for an input the contract refuses. */
function refusal(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, input: unknown): string {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('the input was accepted');
  return describeZodError(r.error as Parameters<typeof describeZodError>[0]);
}

describe('validation errors read as sentences naming the field people see', () => {
  it.each([
    ['an env variable name', projectsContract.procedures.setEnv.input, { id: 'p', key: '1BAD', value: 'x' }, 'Variable name: Use letters, digits and underscores, not starting with a digit.'],
    ['an empty task title', tasksContract.procedures.add.input, { projectId: 'p', title: '   ' }, 'Title: Give the task a title.'],
    ['a missing first prompt', sessionsContract.procedures.create.input, { projectId: 'p' }, 'The first prompt is missing.'],
    ['a too long setup command', projectsContract.procedures.update.input, { id: 'p', patch: { setupCommands: ['ok', 'x'.repeat(2001)] } }, 'The setup command 2 is too long: use at most 2000 characters.'],
    ['an empty file path', projectsContract.procedures.update.input, { id: 'p', patch: { copyFiles: [{ path: ' ', mode: 'copy' }] } }, 'The path of copied file 1 cannot be empty.'],
    ['an unknown agent', projectsContract.procedures.update.input, { id: 'p', patch: { workerAgent: 'cursor' } }, 'The worker agent must be one of: claude-code, codex, gemini, custom.'],
    ['a field this app does not know', projectsContract.procedures.remove.input, { id: 'p', force: true }, 'Baton does not know the field force; this client may be newer than the app.'],
  ])('%s', (_what, schema, input, expected) => {
    const message = refusal(schema, input);
    expect(message).toBe(expected);
    expect(message).not.toMatch(/input\.|patch\.|\.\d+\b/);
  });
});

describe("a key's words follow the procedure's domain", () => {
  it("a review comment's path is the file in the diff, not a folder", () => {
    const r = reviewContract.procedures.file.input.safeParse({ sessionId: 's', from: 'a'.repeat(40), path: '' });
    if (r.success) throw new Error('the input was accepted');
    expect(describeZodError(r.error, undefined, 'review.file')).toMatch(/^The file /);
    expect(describeZodError(r.error, undefined, 'projects.add')).toMatch(/^The folder /);
  });
});
