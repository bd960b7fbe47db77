// Rewrites one marked block of a markdown file (docs/benchmarks.md), formatted as `prettier --check`
// expects, so `pnpm lint` stays green after `pnpm bench` and `pnpm bench --profile`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import type * as Prettier from 'prettier';

import { replaceBetweenMarkers } from './bench-markdown.js';

/** Replaces the `<!-- name:start/end -->` block of `path` (created if missing) by `content`. */
export async function updateMarkdownBlock(path: string, name: string, content: string): Promise<void> {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  writeFileSync(path, await formatMarkdown(replaceBetweenMarkers(current, name, content)));
}

async function formatMarkdown(text: string): Promise<string> {
  // Imported by a computed name: the bundle scripts/gpu-check.sh carries has no prettier (then: as is).
  const name = 'prettier';
  try {
    const prettier = (await import(name)) as typeof Prettier;
    return await prettier.format(text, { parser: 'markdown', printWidth: 120, proseWrap: 'preserve' });
  } catch {
    return text;
  }
}
