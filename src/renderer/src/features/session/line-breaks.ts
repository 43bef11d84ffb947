/** Markdown that keeps an agent's single line breaks, which plain Markdown folds into one paragraph. */

/**
 * Each single newline outside a fenced code block becomes a hard break (two
 * trailing spaces): agents write line by line and mean it. Blank lines and
 * code blocks are left as they are.
 */
export function keepLineBreaks(md: string): string {
  let fenced = false;
  const lines = md.split('\n');
  return lines
    .map((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const next = lines[i + 1];
      const breaks = !fenced && i < lines.length - 1 && line.trim() !== '' && next !== undefined && next.trim() !== '' && !/^\s*(```|~~~)/.test(line);
      return breaks && !line.endsWith('  ') ? `${line}  ` : line;
    })
    .join('\n');
}
