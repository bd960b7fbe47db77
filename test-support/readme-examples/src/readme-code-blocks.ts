import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced code block of a Markdown file. */
export interface ReadmeCodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language (its info string's first word), '' when it names none. */
  readonly language: string;
  readonly code: string;
  /**
   * Why the block is not meant to run, from a `<!-- readme-example: not-runnable: REASON -->`
   * comment on the last non-blank line above the fence; undefined for a block that must run.
   */
  readonly notRunnable?: string;
}

const markerPattern = /^<!--\s*readme-example:\s*not-runnable:\s*(\S.*?)\s*-->$/;

/**
 * The fenced code blocks of one Markdown text, in order. A malformed `readme-example` comment is an
 * error, so that a typo cannot quietly turn a block's test off.
 */
export function readmeCodeBlocks(markdown: string, file: string): ReadmeCodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: ReadmeCodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[index]!);
    if (!open) continue;
    const fence = open[1]!;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length; index++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[index]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[index]!);
    }
    if (index >= lines.length) throw new Error(`${file}:${start + 1}: the code block is never closed`);
    let above = start - 1;
    while (above >= 0 && lines[above]!.trim() === '') above--;
    const comment = above >= 0 ? lines[above]!.trim() : '';
    let notRunnable: string | undefined;
    if (comment.includes('readme-example')) {
      const marker = markerPattern.exec(comment);
      if (!marker) {
        throw new Error(
          `${file}:${above + 1}: expected '<!-- readme-example: not-runnable: REASON -->', found '${comment}'`,
        );
      }
      notRunnable = marker[1];
    }
    blocks.push({ file, line: start + 1, language: open[2]!.toLowerCase(), code: body.join('\n') + '\n', notRunnable });
  }
  return blocks;
}

/** The Markdown files whose examples users paste: README.md, packages/ and examples/ READMEs, docs/*.md. */
export function readmeFiles(root: string): string[] {
  const inFolders = (folder: string) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder), { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && existsSync(join(root, folder, entry.name, 'README.md')))
          .map((entry) => `${folder}/${entry.name}/README.md`)
      : [];
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...inFolders('packages'), ...inFolders('examples'), ...docs].sort();
}

/** Every code block of every file {@link readmeFiles} lists. */
export function allReadmeCodeBlocks(root: string): ReadmeCodeBlock[] {
  return readmeFiles(root).flatMap((file) => readmeCodeBlocks(readFileSync(join(root, file), 'utf8'), file));
}
