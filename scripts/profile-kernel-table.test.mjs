import { describe, expect, it } from 'vitest';

import { aggregateLeafKernels, profileMarkdown } from './profile-kernel-table.ts';

// Records shaped like tf.profile's: FusedConv2D runs inside its fusedConv2d__op wrapper (tfjs records both).
const records = [
  { name: 'fusedConv2d__op', kernelTimeMs: 11 },
  { name: 'FusedConv2D', kernelTimeMs: 10 },
  { name: 'Conv2DBackpropInput', kernelTimeMs: 30 },
  { name: 'Multiply', kernelTimeMs: 0.5 },
  { name: 'Multiply', kernelTimeMs: 1.5 },
  { name: 'fusedConv2d__op', kernelTimeMs: 13 },
  { name: 'FusedConv2D', kernelTimeMs: 12 },
  { name: 'Conv2DBackpropInput', kernelTimeMs: 34 },
];
const isLeaf = (name) => !name.endsWith('__op');

describe('aggregateLeafKernels', () => {
  it('sums leaf kernels per step and leaves the op wrappers out', () => {
    // Two steps: Conv2DBackpropInput (30 + 34) / 2 = 32, FusedConv2D (10 + 12) / 2 = 11, Multiply 2 / 2 = 1.
    expect(aggregateLeafKernels(records, { steps: 2, isLeaf })).toEqual({
      kernels: [
        { name: 'Conv2DBackpropInput', ms: 32, calls: 1 },
        { name: 'FusedConv2D', ms: 11, calls: 1 },
        { name: 'Multiply', ms: 1, calls: 1 },
      ],
      wrappers: ['fusedConv2d__op'],
    });
  });
});

describe('profileMarkdown', () => {
  it('writes kernel, ms, calls and share against a hand-written table', () => {
    const profile = {
      model: 'dcgan28',
      batchSize: 64,
      steps: 1,
      wallMs: 812.4,
      kernels: [
        { name: 'Conv2DBackpropInput', ms: 150, calls: 10 },
        { name: 'FusedConv2D', ms: 49.5, calls: 6 },
        { name: 'Multiply', ms: 0.3, calls: 200 },
        { name: 'Identity', ms: 0.2, calls: 246 },
      ],
      wrappers: ['fusedConv2d__op'],
    };
    // Total 200 ms: 75 %, 24.75 %, and 0.5 ms (0.25 %) for the two kernels under 0.5 %.
    expect(profileMarkdown(profile)).toBe(
      [
        '**dcgan28, batch 64**: 1 profiled D+G step of the raw tfjs loop; 200 ms per step in leaf kernels, 812 ms wall ' +
          'per step while profiling. Left out (op wrappers): fusedConv2d__op.',
        '',
        '| kernel | ms per step | calls per step | share |',
        '| --- | --- | --- | --- |',
        '| Conv2DBackpropInput | 150.0 | 10 | 75.0% |',
        '| FusedConv2D | 49.5 | 6 | 24.8% |',
        '| 2 other kernels | 0.5 | 446 | 0.3% |',
      ].join('\n'),
    );
  });
});
