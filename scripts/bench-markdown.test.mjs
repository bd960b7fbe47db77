import { describe, expect, it } from 'vitest';

import { benchRunMarkdown, formatSpread, replaceBetweenMarkers } from './bench-markdown.ts';

const summary = (median, min, max) => ({ count: 5, median, q1: median, q3: median, min, max });

describe('replaceBetweenMarkers', () => {
  it('replaces only what lies between the named markers', () => {
    const document =
      '# B\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\ntext\n<!-- other:start -->\nkeep\n<!-- other:end -->\n';
    expect(replaceBetweenMarkers(document, 'bench', '| a |\n')).toBe(
      '# B\n\n<!-- bench:start -->\n\n| a |\n\n<!-- bench:end -->\n\ntext\n<!-- other:start -->\nkeep\n<!-- other:end -->\n',
    );
  });

  it('appends a marked block when the markers are missing', () => {
    expect(replaceBetweenMarkers('# B\n\ntext\n\n', 'profile:before', 'table')).toBe(
      '# B\n\ntext\n\n<!-- profile:before:start -->\n\ntable\n\n<!-- profile:before:end -->\n',
    );
  });
});

describe('benchRunMarkdown', () => {
  const run = {
    command: 'pnpm bench --models dcgan28',
    date: '2026-11-29',
    commit: 'abc1234',
    machine: 'Intel Xeon x2',
    node: 'v20.20.0',
    backend: 'wasm',
    device: 'WebAssembly SIMD, 2 threads',
    threads: 2,
    pytorch: {
      torch: '1.13.0a0',
      device: 'cpu',
      threads: 2,
      blas: 'generic',
      blasLibrary: '/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3',
    },
    rows: [
      {
        model: 'dcgan28',
        batchSize: 64,
        warmup: 3,
        steps: 10,
        trainer: summary(952.4, 930.2, 1010.6),
        raw: summary(870, 861, 901),
        pytorch: summary(210.49, 201, 240),
      },
      {
        model: 'srresnet16',
        batchSize: 16,
        warmup: 1,
        steps: 3,
        trainer: summary(30000, 29000, 31000),
        raw: summary(30500, 30000, 31000),
      },
    ],
  };

  it('writes median (min–max), the overhead and the ratio against a hand-written table', () => {
    // 952.4 / 870 - 1 = +9.47 %; 952.4 / 210.49 = 4.5247; 30000 / 30500 - 1 = -1.64 %.
    expect(benchRunMarkdown(run)).toBe(
      [
        'One run of `pnpm bench --models dcgan28` on 2026-11-29 (commit abc1234): Intel Xeon x2, Node v20.20.0.',
        'GANForge on wasm (WebAssembly SIMD, 2 threads). PyTorch 1.13.0a0 on cpu, 2 threads; BLAS loaded: ' +
          "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 (torch's BLAS_INFO=generic).",
        'Milliseconds per D+G step: median (min–max) of the timed steps; warm-up steps are not timed.',
        '',
        '| model | batch | timed steps (warm-up) | GANForge trainer | raw tfjs loop | trainer overhead | PyTorch | trainer / PyTorch |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        '| dcgan28 | 64 | 10 (3) | 952 (930–1011) | 870 (861–901) | +9.5% | 210 (201–240) | 4.52x |',
        '| srresnet16 | 16 | 3 (1) | 30000 (29000–31000) | 30500 (30000–31000) | -1.6% | – | – |',
      ].join('\n'),
    );
  });

  it('says why there is no PyTorch column instead of dropping it', () => {
    const text = benchRunMarkdown({ ...run, pytorch: { unavailable: '[bench] no PyTorch column: reason.' } });
    expect(text.split('\n')[1]).toBe(
      'GANForge on wasm (WebAssembly SIMD, 2 threads). PyTorch: not measured. [bench] no PyTorch column: reason.',
    );
  });

  it('says in the row when PyTorch failed on that model', () => {
    const failed = { ...run, rows: [{ ...run.rows[0], pytorch: undefined, pytorchError: 'exit 1' }] };
    expect(benchRunMarkdown(failed).split('\n').at(-1)).toBe(
      '| dcgan28 | 64 | 10 (3) | 952 (930–1011) | 870 (861–901) | +9.5% | failed (exit 1) | – |',
    );
  });

  it('shows one decimal below 100 ms', () => {
    expect(formatSpread(summary(45.25, 9.96, 120.4))).toBe('45.3 (10.0–120)');
  });
});
