/** How deep a JSON value nests and how many layers its model topologies list. */
export interface JsonExtent {
  /** 1 for a primitive, 2 for an object of primitives, and so on. */
  readonly depth: number;
  /** Entries of every array stored under a key named `layers` (tfjs topologies list layers there). */
  readonly layers: number;
}

/**
 * Measures a parsed JSON value without recursion (a hostile file can nest a million levels, which
 * would overflow the stack of a recursive walk such as tfjs's own topology conversion). Stops early
 * once `stopAtDepth` is exceeded, so the walk costs no more than the value's size.
 */
export function measureJsonExtent(value: unknown, stopAtDepth = Infinity): JsonExtent {
  let depth = 0;
  let layers = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, level] = pending.pop()!;
    if (level > depth) depth = level;
    if (depth > stopAtDepth) break;
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (const item of current) pending.push([item, level + 1]);
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (key === 'layers' && Array.isArray(item)) layers += item.length;
      pending.push([item, level + 1]);
    }
  }
  return { depth, layers };
}
