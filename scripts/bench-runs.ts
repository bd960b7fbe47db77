// docs/benchmarks.json holds the latest `pnpm bench` run per machine and backend; docs/benchmarks.md
// shows them between `<!-- bench:start -->` and `<!-- bench:end -->`. Shared by scripts/bench.ts and
// scripts/merge-benchmarks.ts (runs measured elsewhere, e.g. by scripts/gpu-check.sh).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { type BenchRun, benchRunMarkdown } from './bench-markdown.js';
import { updateMarkdownBlock } from './bench-markdown-file.js';

/** The runs stored in `jsonPath`; none when it is missing or in the format before runs (a flat row list). */
export function readRuns(jsonPath: string): BenchRun[] {
  if (!existsSync(jsonPath)) return [];
  const stored = JSON.parse(readFileSync(jsonPath, 'utf8')) as { runs?: unknown };
  return Array.isArray(stored?.runs) ? (stored.runs as BenchRun[]) : [];
}

/** `incoming` replaces the stored run of the same machine and backend; newest first. */
export function mergeRuns(previous: readonly BenchRun[], incoming: readonly BenchRun[]): BenchRun[] {
  const key = (run: BenchRun) => `${run.machine}|${run.backend}`;
  const kept = previous.filter((run) => !incoming.some((other) => key(other) === key(run)));
  return [...incoming, ...kept];
}

/** Writes the runs to the JSON file and their tables into the markdown file. */
export async function writeRuns(jsonPath: string, markdownPath: string, runs: readonly BenchRun[]): Promise<void> {
  writeFileSync(jsonPath, `${JSON.stringify({ runs }, null, 2)}\n`);
  const tables = runs.length ? runs.map(benchRunMarkdown).join('\n\n') : 'No run yet: `pnpm bench` writes it here.';
  await updateMarkdownBlock(markdownPath, 'bench', tables);
}
