import type { z } from 'zod';

/**
 * What people see a field called, by the contract's key. The message reaches
 * a form's error line or a CLI's stderr, so it names the field as the form
 * labels it (`key` is the "Variable name" box), never as a path (`input.key`).
 */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  key: 'variable name',
  value: 'variable value',
  path: 'folder',
  name: 'name',
  baseBranch: 'base branch',
  prefix: 'session prefix',
  customCommand: 'custom agent command',
  orchestratorCustomCommand: 'orchestrator’s custom command',
  branch: 'branch name',
  secret: 'secret setting',
  setupCommands: 'setup command',
  copyFiles: 'copied file',
  orchestratorAgent: 'orchestrator agent',
  workerAgent: 'worker agent',
  harness: 'agent',
  title: 'title',
  prompt: 'first prompt',
  text: 'message',
  body: 'description',
  priority: 'priority',
  quitBehavior: '“When quitting” setting',
  idempotencyKey: 'request key',
  optionId: 'answer',
  mode: 'copy mode',
};

/** Where a key means something else than in projects: a review's `path` is a file in the diff, not a folder. */
const DOMAIN_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  review: { path: 'file', oldPath: 'file’s old name', line: 'line', endLine: 'last line' },
};

/** "projectId" → "project id": a field with no label still reads as words. */
const words = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** The field an issue is about, as people see it: "setup command 2", "variable name". */
export function fieldLabel(path: readonly PropertyKey[], domain?: string): string | null {
  const labels = domain && DOMAIN_LABELS[domain] ? { ...FIELD_LABELS, ...DOMAIN_LABELS[domain] } : FIELD_LABELS;
  const keys = path.filter((p): p is string => typeof p === 'string');
  const last = keys.at(-1);
  if (last === undefined) return null;
  const at = path.lastIndexOf(last);
  const index = path[at + 1];
  // An item of a list: numbered from 1, the way a person counts the rows they see.
  const item = typeof index === 'number' ? ` ${index + 1}` : '';
  // A field of a list item (copyFiles.0.path) is named by the list: "path of copied file 1".
  const parent = at >= 2 && typeof path[at - 1] === 'number' ? (path[at - 2] as string) : null;
  if (parent && labels[parent]) return `${words(last)} of ${labels[parent]} ${(path[at - 1] as number) + 1}`;
  const label = labels[last] ?? words(last);
  return label + item;
}

/** zod's own wording starts like this; a message we wrote in the contract is already a sentence for people. */
const ZOD_DEFAULT = /^(Too (small|big)|Invalid |Unrecognized key)/;

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function sentence(issue: z.core.$ZodIssue, domain?: string): string {
  const label = fieldLabel(issue.path, domain);
  const the = label ? `The ${label}` : 'The request';
  if (!ZOD_DEFAULT.test(issue.message)) return label ? `${capital(label)}: ${issue.message}` : issue.message;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return `${the} cannot be empty.`;
      if (issue.origin === 'string') return `${the} is too short: use at least ${issue.minimum} characters.`;
      if (issue.origin === 'array') return `${the} needs at least ${issue.minimum}.`;
      return `${the} must be at least ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string') return `${the} is too long: use at most ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `There are too many: at most ${issue.maximum} ${label ?? 'items'}s.`;
      return `${the} must be at most ${issue.maximum}.`;
    case 'invalid_type':
      // zod leaves the input out of its issues (it may be a secret); its own wording says what arrived.
      return /received undefined$/.test(issue.message) ? `${the} is missing.` : `${the} is not valid: expected ${issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}.`;
    case 'invalid_value':
      return `${the} must be one of: ${issue.values.map(String).join(', ')}.`;
    case 'invalid_format':
      return `${the} is not in the expected form.`;
    case 'unrecognized_keys':
      return `Baton does not know the field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}; this client may be newer than the app.`;
    default:
      return `${the} is not valid.`;
  }
}

/**
 * Plain sentences naming each bad field the way people see it, e.g. "The
 * title cannot be empty." or "Variable name: Use letters, digits and underscores…".
 * `root` prefixes the internal path instead, for bug reports (an invalid output), which no person fixes.
 */
export function describeZodError(error: z.ZodError, root?: string, procedure?: string): string {
  const issues = error.issues.slice(0, 5);
  if (root) return issues.map((issue) => `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
  // The procedure's domain ("review.addComment" → review) picks the words its forms use.
  const domain = procedure?.split('.')[0];
  return issues.map((issue) => sentence(issue, domain)).join(' ');
}
