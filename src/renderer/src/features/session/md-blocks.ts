/**
 * An agent's message cut into Markdown blocks that render alone exactly as they
 * do together, so a streaming message re-renders (and the page lays out again)
 * only its last block, not everything it said before (issue 16: the growing
 * message was most of the page's cost while an agent streamed).
 */

const FENCE = /^\s*(```|~~~)/;
/**
 * A line that may belong to what came before the blank line: a list item, an indented continuation or code, a
 * quote. Also what may still become one (a number still being streamed), so a block once followed by another
 * never changes again.
 */
const CONTINUES = /^(\s|[-*+](\s|$)|\d{1,9}([.)](\s|$)|$)|>)/;
/** A link reference or footnote definition: it serves the whole message, so such a message stays one block. */
const DEFINITION = /^ {0,3}\[[^\]]+\]:/m;

/**
 * Cuts before a line that starts at the margin after a blank line, outside a
 * fenced code block, and that cannot continue a list, a quote or an indented
 * block. Each block keeps its own text (the blank lines between are dropped:
 * a block boundary already ends a paragraph). The fence rule is
 * `keepLineBreaks`'s, so both read the same lines as code.
 */
export function splitBlocks(md: string): string[] {
  if (DEFINITION.test(md)) return [md];
  const lines = md.split('\n');
  const blocks: string[] = [];
  let start = 0;
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (i > start && !fenced && line.trim() !== '' && lines[i - 1]!.trim() === '' && !CONTINUES.test(line)) {
      blocks.push(trimBlank(lines.slice(start, i)));
      start = i;
    }
    if (FENCE.test(line)) fenced = !fenced;
  }
  blocks.push(trimBlank(lines.slice(start)));
  return blocks.filter((b, i) => b !== '' || i === blocks.length - 1);
}

function trimBlank(lines: string[]): string {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end).join('\n');
}
