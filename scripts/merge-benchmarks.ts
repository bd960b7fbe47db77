// Merges `pnpm bench` runs measured elsewhere (e.g. on a GPU machine by scripts/gpu-check.sh) into
// docs/benchmarks.json and rewrites the tables in docs/benchmarks.md.
//   npx tsx scripts/merge-benchmarks.ts results/benchmarks.json
import { join } from 'node:path';

import { mergeRuns, readRuns, writeRuns } from './bench-runs.js';

const root = join(import.meta.dirname, '..');
const jsonPath = join(root, 'docs', 'benchmarks.json');
const source = process.argv[2] ?? '';
const incoming = readRuns(source);
if (incoming.length === 0) {
  console.error(`[bench] ${source || '(no file given)'} holds no runs ({ "runs": [...] } as pnpm bench writes it).`);
  process.exit(1);
}
await writeRuns(jsonPath, join(root, 'docs', 'benchmarks.md'), mergeRuns(readRuns(jsonPath), incoming));
console.log(`merged ${incoming.length} run(s) into docs/benchmarks.json and docs/benchmarks.md`);
