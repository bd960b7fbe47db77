import { InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { srganDiscriminator } from './srgan-discriminator.js';

describe('srganDiscriminator', () => {
  it('has the eight convolutions of SRGAN fig. 4 (k3 n64 s1, n64 s2, ..., n512 s2), BN after all but the first', () => {
    const model = srganDiscriminator({ size: 32 });
    const convolutions = model.layers.filter((layer) => layer.getClassName() === 'Conv2D');
    const config = convolutions.map((layer) => {
      const { filters, strides, kernelSize } = layer.getConfig() as {
        filters: number;
        strides: number[];
        kernelSize: number[];
      };
      return [filters, strides[0], kernelSize[0]];
    });
    expect(config).toEqual([
      [64, 1, 3],
      [64, 2, 3],
      [128, 1, 3],
      [128, 2, 3],
      [256, 1, 3],
      [256, 2, 3],
      [512, 1, 3],
      [512, 2, 3],
    ]);
    expect(model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization')).toHaveLength(7);
    expect(model.layers.filter((layer) => layer.getClassName() === 'LeakyReLU')).toHaveLength(9);
    const dense = model.layers.filter((layer) => layer.getClassName() === 'Dense');
    expect(dense.map((layer) => (layer.getConfig() as { units: number }).units)).toEqual([1024, 1]);
    // 32 px halved four times: 2 x 2 x 512 features into the dense layer.
    expect(dense[0]!.getWeights()[0]!.shape).toEqual([2 * 2 * 512, 1024]);
    const logits = model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor;
    expect(logits.shape).toEqual([2, 1]);
    logits.dispose();
    model.dispose();
  });

  it('scales its width with filters and names bad options', () => {
    const model = srganDiscriminator({ size: 16, filters: 4, denseUnits: 8 });
    expect(
      model.layers.filter((layer) => layer.getClassName() === 'Conv2D').map((l) => l.getConfig()['filters']),
    ).toEqual([4, 4, 8, 8, 16, 16, 32, 32]);
    model.dispose();
    expect(() => srganDiscriminator({ size: 8 })).toThrow(InvalidArgumentError);
    expect(() => srganDiscriminator({ size: 8 })).toThrow(
      /options\.size: expected an integer in \[16, 8192\], received 8/,
    );
  });
});
