import * as tf from '@tensorflow/tfjs';

import type { SeededRandom } from './seeded-random.js';

export type ConvPad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** One convolution geometry; `outChannels` is the channel multiplier for depthwise cases. */
export interface ConvCase {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strides: [number, number];
  readonly pad: ConvPad;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The forward output size, or undefined when the geometry is invalid (an empty output). */
export function forwardOutputShape(c: ConvCase, depthwise = false): [number, number, number, number] | undefined {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.inChannels],
    [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels],
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
    depthwise,
  );
  return info.outHeight >= 1 &&
    info.outWidth >= 1 &&
    Number.isInteger(info.outHeight) &&
    Number.isInteger(info.outWidth)
    ? info.outShape
    : undefined;
}

/** Explicit pads list the axes in data-format order; the cases hold them in NHWC order. */
export function padInFormat(pad: ConvPad, dataFormat: 'NHWC' | 'NCHW'): ConvPad {
  if (typeof pad !== 'object' || dataFormat === 'NHWC') return pad;
  return [[0, 0], [0, 0], pad[1], pad[2]];
}

export function describeCase(c: ConvCase): string {
  return JSON.stringify(c);
}

/**
 * A random valid geometry: batch 1-3, sizes 1-12, channels 1-8, filters 1-5, strides 1-3, every pad
 * kind. `withRoundingModes` also draws a `dimRoundingMode` for numeric pads: only for direct kernel
 * calls, since tfjs 4.22's conv2d gradient drops `dimRoundingMode` (its cpu reference then sizes dy
 * by truncation and disagrees with the forward op).
 */
export function randomConvCase(random: SeededRandom, depthwise = false, withRoundingModes = false): ConvCase {
  for (;;) {
    const filterHeight = random.integer(1, 5);
    const filterWidth = random.pick([filterHeight, random.integer(1, 5)]);
    const padKind = random.pick(['same', 'valid', 'number', 'explicit'] as const);
    let pad: ConvPad;
    let dimRoundingMode: ConvCase['dimRoundingMode'];
    if (padKind === 'number') {
      pad = random.integer(0, 2);
      if (withRoundingModes) dimRoundingMode = random.pick([undefined, 'floor', 'round', 'ceil'] as const);
    } else if (padKind === 'explicit') {
      pad = [
        [0, 0],
        [random.integer(0, 3), random.integer(0, 3)],
        [random.integer(0, 3), random.integer(0, 3)],
        [0, 0],
      ];
    } else {
      pad = padKind;
    }
    const strideHeight = random.integer(1, 3);
    const c: ConvCase = {
      batch: random.integer(1, 3),
      height: random.integer(1, 12),
      width: random.integer(1, 12),
      inChannels: random.integer(1, depthwise ? 5 : 8),
      outChannels: random.integer(1, depthwise ? 3 : 8),
      filterHeight,
      filterWidth,
      strides: [strideHeight, random.pick([strideHeight, random.integer(1, 3)])],
      pad,
      ...(dimRoundingMode === undefined ? {} : { dimRoundingMode }),
    };
    // tfjs 4.22 sizes the output of a numeric pad from the filter height and row stride on both
    // axes; the stock wasm Conv2D (XNNPACK) then writes past its output. Keep those cases square.
    const square = c.filterHeight === c.filterWidth && c.strides[0] === c.strides[1];
    if (typeof pad === 'number' && !square) continue;
    if (forwardOutputShape(c, depthwise) !== undefined) return c;
  }
}
