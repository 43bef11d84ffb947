/** Review comments on a diff, and the one prompt "Send to agent" makes of them (main builds it; the renderer shows the same order). */

export interface ReviewCommentDraft {
  path: string;
  /** The line in the side it was written on: the new file for added and context lines, the old one for removed lines. */
  line: number;
  /** A range's last line (same side), when several lines were selected. */
  endLine: number | null;
  side: 'old' | 'new';
  /** The lines the comment is about, quoted in the prompt so the agent need not look them up. */
  excerpt: string;
  text: string;
}

export interface ReviewComment extends ReviewCommentDraft {
  id: string;
}

/** Comments ordered as the diff shows them: by file, then line. */
export function sortComments<T extends ReviewCommentDraft>(comments: readonly T[]): T[] {
  return [...comments].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
}

const where = (c: ReviewCommentDraft) => `${c.path}:${c.line}${c.endLine && c.endLine !== c.line ? `-${c.endLine}` : ''}`;

/** One prompt from one or several review comments, each with its `file:line` and the lines it is about. */
export function commentsPrompt(comments: readonly ReviewCommentDraft[]): string {
  const sorted = sortComments(comments);
  const parts = sorted.map((c, i) => {
    const side = c.side === 'old' ? ' (a removed line, numbered as before the change)' : '';
    const quote = c.excerpt.trim() ? `\n   > ${c.excerpt.trimEnd().split('\n').join('\n   > ')}` : '';
    return `${i + 1}. ${where(c)}${side}${quote}\n   ${c.text.trim().split('\n').join('\n   ')}`;
  });
  const intro = sorted.length === 1 ? 'A review comment on your changes:' : `${sorted.length} review comments on your changes:`;
  return `${intro}\n\n${parts.join('\n\n')}\n\nAddress each one in the code, then say briefly what you changed.`;
}

/** What "Send to agent" does for a session in this state: send now, queue until the turn ends, or refuse (saying why). */
export function commentDelivery(state: string): { how: 'now' } | { how: 'queue' | 'refuse'; reason: string } {
  switch (state) {
    case 'idle':
      return { how: 'now' };
    case 'busy':
    case 'waiting_input':
      return { how: 'queue', reason: 'The agent is working on a turn; your comments go to it as one prompt when the turn ends.' };
    case 'pending':
    case 'starting':
      return { how: 'queue', reason: 'The agent is starting; your comments go to it as one prompt once its first turn ends.' };
    case 'interrupted':
      return { how: 'refuse', reason: 'The session was interrupted; Continue it first, then send. Your comments are kept.' };
    default:
      return { how: 'refuse', reason: `The session is ${state.replace('_', ' ')} and takes no prompts. Your comments are kept.` };
  }
}
