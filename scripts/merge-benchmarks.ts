// Merges benchmark results measured elsewhere (e.g. on a GPU machine by scripts/gpu-check.sh) into
// docs/benchmarks.json and regenerates the table in docs/benchmarks.md.
//   node scripts/merge-benchmarks.mjs results/benchmarks.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const jsonPath = join(root, 'docs', 'benchmarks.json');
const incoming = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const key = (r) => `${r.machine}|${r.backend}|${r.model}`;
const existing = JSON.parse(readFileSync(jsonPath, 'utf8'));
const merged = [...existing.filter((r) => !incoming.some((n) => key(n) === key(r))), ...incoming];
writeFileSync(jsonPath, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`merged ${incoming.length} results; run \`pnpm bench --models none\` to rewrite the markdown table`);
