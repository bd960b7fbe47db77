// The per-kernel profile table of `pnpm bench --profile` (pure, checked by profile-kernel-table.test.mjs).

/** One kernel's time and calls per profiled step. */
export interface KernelTime {
  readonly name: string;
  readonly ms: number;
  readonly calls: number;
}

/**
 * Sums `tf.profile` kernel records per kernel name, per profiled step, slowest first. Only leaf
 * kernels count (`isLeaf`: the name is a kernel registered on the backend): an op wrapper such as
 * `fusedConv2d__op` (tfjs records a custom-gradient op under its scope name) times the kernels it
 * runs inside it, so adding it would count them twice. Returns the wrapper names left out too.
 */
export function aggregateLeafKernels(
  records: ReadonlyArray<{ readonly name: string; readonly kernelTimeMs: number }>,
  options: { readonly steps: number; readonly isLeaf: (name: string) => boolean },
): { kernels: KernelTime[]; wrappers: string[] } {
  const totals = new Map<string, { ms: number; calls: number }>();
  const wrappers = new Set<string>();
  for (const record of records) {
    if (!options.isLeaf(record.name)) {
      wrappers.add(record.name);
      continue;
    }
    const total = totals.get(record.name) ?? { ms: 0, calls: 0 };
    total.ms += record.kernelTimeMs;
    total.calls += 1;
    totals.set(record.name, total);
  }
  const kernels = [...totals]
    .map(([name, { ms, calls }]) => ({ name, ms: ms / options.steps, calls: calls / options.steps }))
    .sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name));
  return { kernels, wrappers: [...wrappers].sort() };
}

/** What `pnpm bench --profile` measured for one model. */
export interface ModelProfile {
  readonly model: string;
  readonly batchSize: number;
  readonly steps: number;
  /** Wall-clock ms per profiled step (profiling included). */
  readonly wallMs: number;
  readonly kernels: readonly KernelTime[];
  readonly wrappers: readonly string[];
}

/**
 * One model's profile as markdown: a line saying what was profiled, then kernel | ms per step |
 * calls per step | share of the leaf-kernel time. Kernels under `minShare` (default 0.5 %) are
 * summed in one row.
 */
export function profileMarkdown(profile: ModelProfile, options: { readonly minShare?: number } = {}): string {
  const minShare = options.minShare ?? 0.005;
  const total = profile.kernels.reduce((sum, kernel) => sum + kernel.ms, 0);
  const shown = profile.kernels.filter((kernel) => kernel.ms / total >= minShare);
  const rest = profile.kernels.filter((kernel) => kernel.ms / total < minShare);
  const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  const row = (name: string, ms: number, calls: number) =>
    `| ${name} | ${ms.toFixed(1)} | ${number(calls)} | ${((ms / total) * 100).toFixed(1)}% |`;
  return [
    `**${profile.model}, batch ${profile.batchSize}**: ${profile.steps} profiled D+G step${profile.steps === 1 ? '' : 's'} ` +
      `of the raw tfjs loop; ${total.toFixed(0)} ms per step in leaf kernels, ${profile.wallMs.toFixed(0)} ms wall ` +
      `per step while profiling.${profile.wrappers.length ? ` Left out (op wrappers): ${profile.wrappers.join(', ')}.` : ''}`,
    '',
    '| kernel | ms per step | calls per step | share |',
    '| --- | --- | --- | --- |',
    ...shown.map((kernel) => row(kernel.name, kernel.ms, kernel.calls)),
    ...(rest.length
      ? [
          row(
            `${rest.length} other kernel${rest.length === 1 ? '' : 's'}`,
            rest.reduce((sum, kernel) => sum + kernel.ms, 0),
            rest.reduce((sum, kernel) => sum + kernel.calls, 0),
          ),
        ]
      : []),
  ].join('\n');
}
