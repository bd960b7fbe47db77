import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const source = dirname(fileURLToPath(import.meta.url));

/** Files an entry reaches through relative imports (value imports only: `import type` is erased). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [join(source, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+'(\.{1,2}\/[^']+)'/gms)) {
      pending.push(join(dirname(file), match[1]!.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('@ganforge/core/node', () => {
  // tsup bundles each entry whole: a module both entries reach through relative imports exists twice
  // at run time. A class there (UnsafePathError) would fail `instanceof GanForgeError` where the CLI
  // checks it, so `ganforge sample` printed a stack trace for a FIFO instead of one line; a
  // registration there would run twice. The node entry reaches such modules through '@ganforge/core'.
  it('shares no class and no registration with the main entry except through the package name', () => {
    const main = reachable('index.ts');
    const shared = [...reachable('node.ts')].filter((file) => main.has(file));
    const offending = shared.filter((file) =>
      /^\s*(export\s+)?(abstract\s+)?class\s|registerClass|registerGradient|registerKernel/m.test(
        readFileSync(file, 'utf8'),
      ),
    );
    expect(offending.map((file) => relative(source, file))).toEqual([]);
  });
});
