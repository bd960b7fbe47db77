import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { PNG } from 'pngjs';

const packageRoot = new URL('../..', import.meta.url).pathname;

// Informational stderr lines: the backend report, what a resume changed, the photos a super-resolution run
// trains on, and cli-progress bars ("train |...").
const informational = [/^\[ganforge\] (backend|resume):/, /^\[ganforge\] training on \d+ photos:/, /^[a-z-]+ \|/];

/**
 * Runs the real `ganforge` entry point in a child process (tsx maps workspace packages to sources).
 * `errors` is stderr without its informational lines, so a clean run has `errors === ''`.
 */
export function ganforge(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin.ts', ...args], {
    cwd: packageRoot,
    encoding: 'utf8',
    env: { ...process.env, GANFORGE_BACKEND: '' },
  });
  const errors = result.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !informational.some((pattern) => pattern.test(line)))
    .join('\n');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, errors };
}

/** [width, height] of a PNG file. */
export function pngSize(path: string): [number, number] {
  const png = PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
}
