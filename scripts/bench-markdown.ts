import type { TimeSummary } from './bench-statistics.js';

// The markdown `pnpm bench` and `pnpm bench --profile` write into docs/benchmarks.md (pure, checked by
// bench-markdown.test.mjs against hand-written tables).

/** The PyTorch peer of a run, as scripts/bench_pytorch.py reports it, or why there was none. */
export type PytorchPeer =
  | {
      readonly torch: string;
      readonly device: string;
      readonly threads: number;
      /** torch.__config__'s BLAS_INFO. */
      readonly blas: string;
      /** The BLAS/LAPACK libraries the PyTorch process had loaded. */
      readonly blasLibrary: string;
      /** The libblas.so.3 the system's update-alternatives selects (CPU runs). */
      readonly systemBlas?: string;
    }
  | { readonly unavailable: string };

/** One model of a run: each column's timed steps summarised. */
export interface BenchRow {
  readonly model: string;
  readonly batchSize: number;
  readonly warmup: number;
  readonly steps: number;
  readonly trainer: TimeSummary;
  readonly raw: TimeSummary;
  readonly pytorch?: TimeSummary;
  /** Why the PyTorch process failed on this model (e.g. `exit 1`), when it did. */
  readonly pytorchError?: string;
}

/** One `pnpm bench` run on one backend: what docs/benchmarks.json stores. */
export interface BenchRun {
  readonly command: string;
  readonly date: string;
  readonly commit: string;
  readonly machine: string;
  readonly node: string;
  readonly backend: string;
  readonly device: string;
  readonly threads: number;
  readonly pytorch: PytorchPeer;
  readonly rows: readonly BenchRow[];
}

/**
 * Replaces what lies between `<!-- name:start -->` and `<!-- name:end -->` by `content`; appends the
 * marked block at the end when the document has no such markers yet.
 */
export function replaceBetweenMarkers(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n\n${content.trim()}\n\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) return `${document.trimEnd()}\n\n${block}\n`;
  return `${document.slice(0, from)}${block}${document.slice(to + end.length)}`;
}

/** Milliseconds as the tables show them: whole ms from 100 up, one decimal below. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

/** `median (min–max)` of a summary from bench-statistics.mjs. */
export function formatSpread(summary: TimeSummary): string {
  return `${formatMs(summary.median)} (${formatMs(summary.min)}–${formatMs(summary.max)})`;
}

/** The table of one `pnpm bench` run, with the lines above it that say what was measured. */
export function benchRunMarkdown(run: BenchRun): string {
  const peer =
    'unavailable' in run.pytorch
      ? `PyTorch: not measured. ${run.pytorch.unavailable}`
      : `PyTorch ${run.pytorch.torch} on ${run.pytorch.device}, ${run.pytorch.threads} thread${run.pytorch.threads === 1 ? '' : 's'}; ` +
        `BLAS loaded: ${run.pytorch.blasLibrary} (torch's BLAS_INFO=${run.pytorch.blas}).`;
  const lines = [
    `One run of \`${run.command}\` on ${run.date} (commit ${run.commit}): ${run.machine}, Node ${run.node}.`,
    `GANForge on ${run.backend} (${run.device}). ${peer}`,
    'Milliseconds per D+G step: median (min–max) of the timed steps; warm-up steps are not timed.',
    '',
    '| model | batch | timed steps (warm-up) | GANForge trainer | raw tfjs loop | trainer overhead | PyTorch | trainer / PyTorch |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...run.rows.map((row) => {
      const overhead = (row.trainer.median / row.raw.median - 1) * 100;
      const cells = [
        row.model,
        String(row.batchSize),
        `${row.steps} (${row.warmup})`,
        formatSpread(row.trainer),
        formatSpread(row.raw),
        `${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)}%`,
        row.pytorch ? formatSpread(row.pytorch) : row.pytorchError ? `failed (${row.pytorchError})` : '–',
        row.pytorch ? `${(row.trainer.median / row.pytorch.median).toFixed(2)}x` : '–',
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}
