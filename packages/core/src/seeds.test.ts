import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { deriveSeed, tfjsSeed } from './seeds.js';

describe('tfjsSeed', () => {
  it('leaves every seed but 0 as it is, so existing draws do not change', () => {
    for (const seed of [1, 2, 42, 2 ** 31 - 1, deriveSeed(0, 'sample-noise', 0)]) expect(tfjsSeed(seed)).toBe(seed);
  });

  it('maps 0 to a seed that no user or derived seed can be', () => {
    // User seeds are integers in [0, 2^31 - 1]; deriveSeed returns |int32| or 1, at most 2^31.
    expect(tfjsSeed(0)).toBeGreaterThan(2 ** 31);
  });

  it('makes a normal draw with seed 0 repeat (tfjs alone draws fresh values for seed 0)', () => {
    const draw = (seed: number) => tf.tidy(() => Array.from(tf.randomNormal([8], 0, 1, 'float32', seed).dataSync()));
    // The fault being fixed: tfjs reads seed 0 as "no seed" (seed ? seed : Math.random()).
    expect(draw(0)).not.toEqual(draw(0));
    expect(draw(tfjsSeed(0))).toEqual(draw(tfjsSeed(0)));
    expect(draw(tfjsSeed(0))).not.toEqual(draw(tfjsSeed(1)));
  });
});
