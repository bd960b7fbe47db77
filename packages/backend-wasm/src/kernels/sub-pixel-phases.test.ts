import { describe, expect, it } from 'vitest';

import { prefersMergedPhases } from './merged-phase-backprop-input.js';
import { filterGradientWindow } from './filter-gradient-window.js';
import { mergedPhaseWindow, subPixelAxis } from './sub-pixel-phases.js';

describe('subPixelAxis', () => {
  it('splits conv2dTranspose 7 -> 14 (4 taps, stride 2, same) into two reversed 2-tap phases', () => {
    expect(subPixelAxis(14, 7, 4, 2, 1)).toEqual({
      stride: 2,
      outputSize: 7,
      phaseLength: 7,
      phases: [
        { taps: [3, 1], padBefore: 1, padAfter: 0 },
        { taps: [2, 0], padBefore: 0, padAfter: 1 },
      ],
    });
  });

  it('is one phase with every tap reversed at stride 1', () => {
    expect(subPixelAxis(5, 5, 3, 1, 1).phases).toEqual([{ taps: [2, 1, 0], padBefore: 1, padAfter: 1 }]);
  });

  it('gives tapless phases when the filter is narrower than the stride', () => {
    expect(subPixelAxis(9, 3, 1, 3, 0).phases.map((phase) => phase.taps)).toEqual([[0], [], []]);
  });

  it('merges phases into one window that is at most one tap longer', () => {
    expect(mergedPhaseWindow(subPixelAxis(14, 7, 4, 2, 1))).toEqual({
      size: 3,
      padBefore: 1,
      padAfter: 1,
      tapAt: [
        [3, 1, -1],
        [-1, 2, 0],
      ],
    });
  });
});

describe('prefersMergedPhases', () => {
  it('merges the phases of a 1-channel output (DCGAN 14 -> 28) but not of a 64-channel one (7 -> 14)', () => {
    const to28 = subPixelAxis(28, 14, 4, 2, 1);
    const to14 = subPixelAxis(14, 7, 4, 2, 1);
    expect(prefersMergedPhases(to28, to28, 64, 1)).toBe(true);
    expect(prefersMergedPhases(to14, to14, 128, 64)).toBe(false);
    expect(prefersMergedPhases(subPixelAxis(5, 5, 3, 1, 1), subPixelAxis(5, 5, 3, 1, 1), 8, 1)).toBe(false);
  });
});

describe('filterGradientWindow', () => {
  it('pads x so that the correlation yields exactly the filter taps', () => {
    expect(filterGradientWindow(28, 14, 4, 2, 1)).toEqual({ padBefore: 1, padAfter: 1, keptInput: 28 });
  });

  it('crops rows no tap reads, and keeps none when every tap reads padding', () => {
    expect(filterGradientWindow(9, 3, 1, 3, 0)).toEqual({ padBefore: 0, padAfter: 0, keptInput: 7 });
    expect(filterGradientWindow(3, 1, 2, 1, 3)).toEqual({ padBefore: 3, padAfter: 0, keptInput: 0 });
  });
});
