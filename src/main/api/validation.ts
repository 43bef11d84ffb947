import type { z } from 'zod';

/** One line naming each bad field, e.g. `input.path: Required`. */
export function describeZodError(error: z.ZodError, root = 'input'): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = [root, ...issue.path.map(String)].join('.');
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
