import { describe, expect, it } from 'vitest';

import { readmeCodeBlocks } from './readme-code-blocks.js';

// Expected values are read off the hand-written Markdown in each test.
describe('readmeCodeBlocks', () => {
  it('returns each fenced block with its language, first line and code', () => {
    const markdown = ['# Title', '', '```js', 'console.log(1);', '```', 'text', '~~~sh', 'ls', '~~~'].join('\n');
    expect(readmeCodeBlocks(markdown, 'README.md')).toEqual([
      { file: 'README.md', line: 3, language: 'js', code: 'console.log(1);\n', notRunnable: undefined },
      { file: 'README.md', line: 7, language: 'sh', code: 'ls\n', notRunnable: undefined },
    ]);
  });

  it('keeps a shorter fence inside a longer one as code', () => {
    const markdown = ['````md', '```js', 'x', '```', '````'].join('\n');
    expect(readmeCodeBlocks(markdown, 'a.md').map((block) => block.code)).toEqual(['```js\nx\n```\n']);
  });

  it('reads the not-runnable reason from the comment above the fence, across blank lines', () => {
    const markdown = [
      '<!-- readme-example: not-runnable: needs a browser -->',
      '',
      '```ts',
      'new Worker(url);',
      '```',
    ].join('\n');
    expect(readmeCodeBlocks(markdown, 'a.md')[0]?.notRunnable).toBe('needs a browser');
  });

  it('refuses a malformed marker instead of running or ignoring the block', () => {
    const markdown = ['<!-- readme-example: skip -->', '```ts', 'x', '```'].join('\n');
    expect(() => readmeCodeBlocks(markdown, 'a.md')).toThrow(/a\.md:1: expected '<!-- readme-example: not-runnable/);
  });

  it('refuses an unclosed block', () => {
    expect(() => readmeCodeBlocks('```js\nx\n', 'a.md')).toThrow(/a\.md:1: the code block is never closed/);
  });
});
