import Markdown from 'markdown-to-jsx/react';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { keepLineBreaks } from '../../src/renderer/src/features/session/line-breaks';
import { splitBlocks } from '../../src/renderer/src/features/session/md-blocks';

const OPTIONS = { disableParsingRawHTML: true, forceBlock: true } as const;
/** Markdown-to-jsx wraps several top-level elements in a <div>; the page's blocks sit side by side in the message instead. */
const html = (md: string): string => renderToStaticMarkup(createElement(Markdown, { options: OPTIONS }, keepLineBreaks(md))).replace(/<\/?div>/g, '');
const whole = (md: string): string => html(md);
const inBlocks = (md: string): string => splitBlocks(md).map(html).join('');

/** Messages as agents write them: each must render the same whole and cut into blocks. */
const MESSAGES: Record<string, string> = {
  paragraphs: 'I read the failing test.\nIt waits on a timer.\n\nThe fix is to wait for the journal seq instead.\n\nDone.',
  headings: '## Plan\n\nFirst, the store.\n\n### Then\n\nThe view.',
  'a loose list': '- one\n\n- two\n\n- three\n\nAfter the list.',
  'a numbered list with paragraphs': '1. Read the code.\n\n   It is in `src/main`.\n\n2. Change it.\n\n    indented four\n\n3. Test it.\n\nThat is all.',
  'a nested list': '- top\n  - nested\n\n  - nested after a blank\n- top again\n\nEnd.',
  'a fence with blank lines and margin text inside': 'Run this:\n\n```sh\nnpm test\n\necho done\n\n# a comment at the margin\n```\n\nThen look.',
  'a tilde fence': '~~~\na\n\nb\n~~~\n\nafter',
  'an unclosed fence (still streaming)': 'Here:\n\n```ts\nconst a = 1;\n\nconst b = 2;',
  'quotes across a blank line': '> quoted\n\n> quoted again\n\nplain',
  'a table': '| a | b |\n|---|---|\n| 1 | 2 |\n\nBelow the table.',
  'indented code': 'Code:\n\n    x = 1\n\n    y = 2\n\nText.',
  'a rule and emphasis at the margin': 'Above.\n\n---\n\n*Emphasis* starts this.\n\n**Bold** too.',
  'a link reference': 'See [the docs][1].\n\nMore.\n\n[1]: https://example.com',
  'a footnote': 'A claim.[^1]\n\nMore.\n\n[^1]: The source.',
  'blank lines first and last': '\n\nHello.\n\n',
  'one long paragraph': 't=1 chunk t=2 chunk t=3 chunk',
};

describe('splitBlocks: a streaming message re-renders only its last block', () => {
  for (const [name, md] of Object.entries(MESSAGES)) {
    it(`${name}: the blocks render as the whole does`, () => {
      expect(inBlocks(md)).toBe(whole(md));
    });
  }

  it('cuts paragraphs apart, and keeps a fence, a list and its continuations whole', () => {
    expect(splitBlocks(MESSAGES['paragraphs']!)).toEqual(['I read the failing test.\nIt waits on a timer.', 'The fix is to wait for the journal seq instead.', 'Done.']);
    expect(splitBlocks(MESSAGES['a fence with blank lines and margin text inside']!)).toEqual(['Run this:', '```sh\nnpm test\n\necho done\n\n# a comment at the margin\n```', 'Then look.']);
    expect(splitBlocks(MESSAGES['a numbered list with paragraphs']!)).toEqual([MESSAGES['a numbered list with paragraphs']!.replace('\n\nThat is all.', ''), 'That is all.']);
    expect(splitBlocks(MESSAGES['a link reference']!)).toHaveLength(1);
  });

  it('while a message grows, every block but the last keeps its text', () => {
    const md = Object.values(MESSAGES).slice(0, 6).join('\n\n');
    let before = splitBlocks('');
    for (let n = 1; n <= md.length; n++) {
      const now = splitBlocks(md.slice(0, n));
      // A block that was complete before the newest characters arrived is unchanged by them.
      for (let i = 0; i < before.length - 1; i++) expect(now[i], `block ${i} after ${n} characters`).toBe(before[i]);
      before = now;
    }
    expect(before.length).toBeGreaterThan(8);
  });
});
