import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../errors.js';
import { hingeLoss } from './hinge-loss.js';
import { leastSquaresLoss } from './least-squares-loss.js';
import { lossByName } from './loss-by-name.js';
import { minimaxLoss } from './minimax-loss.js';
import { nonSaturatingLoss } from './non-saturating-loss.js';
import { wassersteinLoss } from './wasserstein-loss.js';

// Reference values are computed here with scalar Math from each paper's formula, independently of
// the tensor code under test: softplus(x) = ln(1 + e^x), log sigmoid(x) = -softplus(-x).
const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const real = [0, 2];
const fake = [-1, 1];

function evaluate(fn: () => tf.Scalar): number {
  const scalar = fn();
  const value = scalar.dataSync()[0]!;
  scalar.dispose();
  return value;
}

describe('adversarial losses', () => {
  const r = () => tf.tensor2d(real, [2, 1]);
  const f = () => tf.tensor2d(fake, [2, 1]);

  it('non-saturating: D = -E log s(r) - E log(1 - s(f)), G = -E log s(f) (Goodfellow et al. 2014)', () => {
    const loss = nonSaturatingLoss();
    const expectedD = mean(real.map((x) => softplus(-x))) + mean(fake.map((x) => softplus(x)));
    expect(evaluate(() => loss.discriminator(r(), f()))).toBeCloseTo(expectedD, 6);
    // By hand: (ln 2 + ln(1 + e^-2)) / 2 + (ln(1 + e^-1) + ln(1 + e)) / 2 = 0.410038 + 0.813262
    expect(expectedD).toBeCloseTo(1.2232993, 6);
    expect(evaluate(() => loss.generator(f()))).toBeCloseTo(mean(fake.map((x) => softplus(-x))), 6);
  });

  it('minimax: G minimises E log(1 - s(f)) = -E softplus(f)', () => {
    const loss = minimaxLoss();
    expect(evaluate(() => loss.generator(f()))).toBeCloseTo(-mean(fake.map(softplus)), 6);
    expect(evaluate(() => loss.discriminator(r(), f()))).toBeCloseTo(1.2232993, 6);
  });

  it('one-sided label smoothing changes only the real target (Salimans et al. 2016)', () => {
    const smoothing = 0.1;
    const loss = nonSaturatingLoss({ labelSmoothing: smoothing });
    const target = 1 - smoothing;
    const expected =
      mean(real.map((x) => target * softplus(-x) + (1 - target) * softplus(x))) + mean(fake.map((x) => softplus(x)));
    expect(evaluate(() => loss.discriminator(r(), f()))).toBeCloseTo(expected, 6);
    // t sp(-x) + (1-t) sp(x) = sp(-x) + (1-t) x, and mean(real) = 1, so smoothing adds exactly 0.1.
    expect(expected).toBeCloseTo(1.2232993 + 0.1, 6);
    // The generator's loss is unaffected.
    expect(evaluate(() => loss.generator(f()))).toBeCloseTo(mean(fake.map((x) => softplus(-x))), 6);
  });

  it('least squares: 1/2 E(D(x) - 1)^2 + 1/2 E D(G(z))^2 (Mao et al. 2017)', () => {
    const loss = leastSquaresLoss();
    // By hand: 0.5 * ((0-1)^2 + (2-1)^2) / 2 + 0.5 * ((-1)^2 + 1^2) / 2 = 0.5 + 0.5
    expect(evaluate(() => loss.discriminator(r(), f()))).toBeCloseTo(1, 6);
    // 0.5 * ((-1-1)^2 + (1-1)^2) / 2 = 1
    expect(evaluate(() => loss.generator(f()))).toBeCloseTo(1, 6);
  });

  it('wasserstein: E D(G(z)) - E D(x) and -E D(G(z)) (Arjovsky et al. 2017)', () => {
    const loss = wassersteinLoss();
    expect(evaluate(() => loss.discriminator(r(), f()))).toBeCloseTo(0 - 1, 6);
    expect(evaluate(() => loss.generator(tf.tensor1d([1, 3])))).toBeCloseTo(-2, 6);
  });

  it('hinge: E max(0, 1 - D(x)) + E max(0, 1 + D(G(z))) (Lim & Ye 2017)', () => {
    const loss = hingeLoss();
    // By hand: mean(1, 0) + mean(0, 2) = 1.5
    expect(evaluate(() => loss.discriminator(r(), f()))).toBeCloseTo(1.5, 6);
    expect(evaluate(() => loss.generator(tf.tensor1d([1, 3])))).toBeCloseTo(-2, 6);
  });

  it('cross-entropy losses stay finite for very confident logits', () => {
    const loss = nonSaturatingLoss();
    const d = evaluate(() => loss.discriminator(tf.tensor1d([-500]), tf.tensor1d([500])));
    expect(d).toBeCloseTo(1000, 3);
    expect(Number.isFinite(evaluate(() => minimaxLoss().generator(tf.tensor1d([-500]))))).toBe(true);
  });

  it('leaves no tensors behind', () => {
    const r1 = r();
    const f1 = f();
    const before = tf.memory().numTensors;
    for (const loss of [
      minimaxLoss(),
      nonSaturatingLoss({ labelSmoothing: 0.2 }),
      leastSquaresLoss(),
      wassersteinLoss(),
      hingeLoss(),
    ]) {
      loss.discriminator(r1, f1).dispose();
      loss.generator(f1).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad arguments with a named error', () => {
    expect(() => nonSaturatingLoss({ labelSmoothing: 0.9 })).toThrow(
      /options.labelSmoothing: expected a number in \[0, 0.5\], received 0.9/,
    );
    expect(() => hingeLoss().discriminator([1, 2] as unknown as tf.Tensor, tf.scalar(1))).toThrow(
      /realLogits: expected a tf.Tensor, received an array of length 2/,
    );
    expect(() => lossByName('relativistic')).toThrow(InvalidArgumentError);
  });

  it('lossByName rebuilds each loss with its config', () => {
    const rebuilt = lossByName('non-saturating', { labelSmoothing: 0.1 });
    expect(rebuilt.config).toEqual({ labelSmoothing: expect.closeTo(0.1, 10) });
    expect(evaluate(() => rebuilt.discriminator(r(), f()))).toBeCloseTo(1.3232993, 6);
  });
});
