import { describe, expect, it } from 'vitest';
import { keepLineBreaks } from '../../src/renderer/src/features/session/line-breaks';

describe('keepLineBreaks: an agent message keeps its lines in Markdown', () => {
  it('turns single newlines into hard breaks, leaving paragraphs and code blocks alone', () => {
    expect(keepLineBreaks('one\ntwo\n\nthree')).toBe('one  \ntwo\n\nthree');
    expect(keepLineBreaks('```sh\nls\npwd\n```\nafter')).toBe('```sh\nls\npwd\n```\nafter');
    expect(keepLineBreaks('already  \nbroken')).toBe('already  \nbroken');
    expect(keepLineBreaks('single line')).toBe('single line');
  });
});
