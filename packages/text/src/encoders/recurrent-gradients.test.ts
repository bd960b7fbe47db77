import { useBackend } from '@ganforge/backend-node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';

/** Gradients of sum(rnn(x)^2) for fixed weights and input, on the current backend. */
function recurrentGradients(cell: 'gru' | 'lstm'): number[][] {
  const input = tf.input({ shape: [5, 3] });
  const layer = tf.layers[cell]({ units: 4, returnSequences: true });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  model.weights.forEach((weight, k) => {
    const size = weight.shape.reduce<number>((product, dimension) => product * (dimension ?? 1), 1);
    weight.write(
      tf.tensor(
        Array.from({ length: size }, (_, i) => 0.5 * Math.sin(0.7 * i + k)),
        weight.shape as number[],
      ),
    );
  });
  const x = tf.tensor3d(
    Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.cos(i)),
    [2, 5, 3],
  );
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar, variables);
  const values = variables.map((variable) => Array.from(grads[variable.name]!.dataSync()));
  tf.dispose([x, ...Object.values(grads)]);
  model.dispose();
  return values;
}

describe('recurrent layers train on the WASM backend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it("GRU and LSTM weight gradients on WASM equal the cpu backend's (no kernel is missing)", async () => {
    for (const cell of ['gru', 'lstm'] as const) {
      await tf.setBackend('cpu');
      const reference = recurrentGradients(cell);
      await useBackend({ backend: 'wasm', log: false });
      const wasm = recurrentGradients(cell);
      expect(wasm.map((values) => values.length)).toEqual(reference.map((values) => values.length));
      wasm.forEach((values, k) => values.forEach((value, i) => expect(value).toBeCloseTo(reference[k]![i]!, 4)));
    }
  });
});
