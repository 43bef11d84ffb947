/**
 * Splits a command line the way a POSIX shell would split words (quotes and
 * backslashes), without running a shell: no globbing, no variables, no pipes.
 */
export function splitCommandLine(line: string): { ok: true; argv: string[] } | { ok: false; message: string } {
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) return { ok: false, message: `The command line has an unclosed ${quote === '"' ? 'double' : 'single'} quote.` };
  if (inWord) argv.push(cur);
  if (argv.length === 0) return { ok: false, message: 'The command line is empty; enter the command that starts your ACP agent.' };
  return { ok: true, argv };
}
