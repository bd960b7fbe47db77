import { useBackend } from '@ganforge/backend-node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BagOfTokens, OneHotTokens, TemporalMaxPooling, temporalMaxPool } from './text-layers.js';
import '../index.js';

// x = [[3, -1], [5, -2], [-4, -6], [-3, -5], [7, 0]] over 5 steps and 2 channels; pool 2 drops step 5.
const steps = [
  [3, -1],
  [5, -2],
  [-4, -6],
  [-3, -5],
  [7, 0],
];
// Hand-computed: window 1 = steps 1-2 -> max [5, -1]; window 2 = steps 3-4 (all negative) -> [-3, -5].
const pooled = [
  [5, -1],
  [-3, -5],
];
// d(sum(w * pool(x)))/dx with w = [[1, 2], [3, 4]]: each window's weight lands on its maximum.
const weights = [
  [1, 2],
  [3, 4],
];
const gradient = [
  [0, 2],
  [1, 0],
  [0, 0],
  [3, 4],
  [0, 0],
];

function poolGradient(pool: (x: tf.Tensor3D) => tf.Tensor): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor3d([steps]);
    const w = tf.tensor3d([weights]);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(pool(input as tf.Tensor3D), w)))(x);
    return (dx.arraySync() as number[][][])[0]!;
  });
}

describe('text layers', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('OneHotTokens: id k sets column k - 1, padding 0 is all zeros', () => {
    const layer = new OneHotTokens({ depth: 3 });
    const out = layer.apply(tf.tensor2d([[2, 0, 3, 1]])) as tf.Tensor;
    expect(out.shape).toEqual([1, 4, 3]);
    expect(out.arraySync()).toEqual([
      [
        [0, 1, 0],
        [0, 0, 0],
        [0, 0, 1],
        [1, 0, 0],
      ],
    ]);
    tf.dispose(out);
  });

  it('BagOfTokens: normalised counts without padding; an empty row stays zero', () => {
    const layer = new BagOfTokens({ vocabularySize: 4 });
    const out = layer.apply(
      tf.tensor2d([
        [3, 3, 1, 0],
        [0, 0, 0, 0],
      ]),
    ) as tf.Tensor;
    const values = Array.from(out.dataSync());
    [1 / 3, 0, 2 / 3, 0, 0, 0].forEach((expected, index) => expect(values[index]).toBeCloseTo(expected, 6));
    tf.dispose(out);
  });

  it('TemporalMaxPooling: values and gradient match the hand computation (cpu)', () => {
    const layer = new TemporalMaxPooling({ poolSize: 2 });
    expect(layer.computeOutputShape([null, 5, 2])).toEqual([null, 2, 2]);
    const out = layer.apply(tf.tensor3d([steps])) as tf.Tensor;
    expect(out.arraySync()).toEqual([pooled]);
    tf.dispose(out);
    expect(poolGradient((x) => temporalMaxPool(x, 2))).toEqual(gradient);
  });

  describe('on the WASM backend', () => {
    beforeAll(async () => {
      await useBackend({ backend: 'wasm', log: false });
    });

    it('TemporalMaxPooling keeps the gradient of all-negative windows', () => {
      expect(poolGradient((x) => temporalMaxPool(x, 2))).toEqual(gradient);
    });

    it("documents why: tfjs-backend-wasm 4.22's MaxPoolGrad drops all-negative windows", () => {
      // The same pooling through tf.maxPool (as tf.layers.maxPooling1d does it). If this starts
      // matching the hand computation, upstream is fixed and TemporalMaxPooling could use tf.maxPool.
      const viaMaxPool = poolGradient((x) =>
        tf.maxPool(x.expandDims(1) as tf.Tensor4D, [1, 2], [1, 2], 'valid').squeeze([1]),
      );
      // Both all-negative windows (channel 2 of steps 1-2, both channels of steps 3-4) lose their gradient;
      // the window with a positive maximum keeps it.
      expect(viaMaxPool[0]).toEqual([0, 0]);
      expect(viaMaxPool[3]).toEqual([0, 0]);
      expect(viaMaxPool[1]).toEqual([1, 0]);
    });
  });

  it('layers save and load with their configuration', async () => {
    const input = tf.input({ shape: [6] });
    const x = new OneHotTokens({ depth: 4 }).apply(input) as tf.SymbolicTensor;
    const y = new TemporalMaxPooling({ poolSize: 3 }).apply(x) as tf.SymbolicTensor;
    const z = new BagOfTokens({ vocabularySize: 5 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [y, z] });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(
        async (saved) => (
          (artifacts = saved),
          { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
        ),
      ),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.layers.map((layer) => layer.getClassName()).sort()).toEqual([
      'GanForgeBagOfTokens',
      'GanForgeOneHotTokens',
      'GanForgeTemporalMaxPooling',
      'InputLayer',
    ]);
    const ids = tf.tensor2d([[1, 2, 3, 4, 0, 1]]);
    const [a, b] = model.predict(ids) as tf.Tensor[];
    const [c, d] = loaded.predict(ids) as tf.Tensor[];
    expect(c!.arraySync()).toEqual(a!.arraySync());
    expect(d!.arraySync()).toEqual(b!.arraySync());
    tf.dispose([ids, a!, b!, c!, d!]);
    model.dispose();
    loaded.dispose();
  });

  it('rejects inputs too short to pool, naming the shape', () => {
    expect(() => temporalMaxPool(tf.zeros([1, 2, 3]) as tf.Tensor3D, 3)).toThrow(
      /input: expected shape \[batch, >= 3 steps, channels\], received \[1, 2, 3\]/,
    );
  });
});
