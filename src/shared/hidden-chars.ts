import type { z } from 'zod';

/**
 * Characters that change how a name looks without being seen: control
 * characters (Cc), format characters (Cf: the bidi overrides and isolates
 * U+202A–U+202E and U+2066–U+2069, zero-width spaces and joiners
 * U+200B–U+200F, the byte-order mark U+FEFF, the soft hyphen…) and the line and
 * paragraph separators. A branch called `baton/fix-\u202Egnp.exe` shows as
 * something else than it is, in Baton, in a terminal and in git's own output,
 * so names and titles refuse them at the contract.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

const NAMES: Readonly<Record<number, string>> = {
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x7f: 'DELETE',
  0xad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte-order mark)',
};

export interface HiddenChar {
  /** `U+202E`. */
  codePoint: string;
  /** A Unicode name for the common ones, else what kind of character it is. */
  name: string;
  /** Index in UTF-16 code units. */
  index: number;
}

/** The first invisible, control or text-direction character in `s`, or null. */
export function findHiddenChar(s: string): HiddenChar | null {
  const m = HIDDEN.exec(s);
  if (!m) return null;
  const cp = m[0].codePointAt(0) ?? 0;
  const name = NAMES[cp] ?? (/\p{Cc}/u.test(m[0]) ? 'a control character' : 'an invisible formatting character');
  return { codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, name, index: m.index };
}

/** Why `s` cannot be `what`, naming the character by code point; null when it has none. */
export function hiddenCharProblem(s: string, what: string): string | null {
  const c = findHiddenChar(s);
  if (!c) return null;
  return `The ${what} contains ${c.codePoint} (${c.name}) at position ${c.index + 1}, an invisible or text-direction character that would make it look different from what it is. Remove it (retype the text rather than pasting it).`;
}

/** A string schema that also refuses hidden characters; `what` names the field in the message. */
export function visibleText<T extends z.ZodType<string>>(schema: T, what: string) {
  return schema.superRefine((s, ctx) => {
    const problem = hiddenCharProblem(s, what);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
