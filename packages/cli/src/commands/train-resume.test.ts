import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Checkpoint, SerializedModel, SerializedTensors } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { ganforge } from '../test-support/run-ganforge.js';

// Flags given explicitly on --resume are applied and reported, or refused, for every train command.
// Expected values come from the checkpoint's own record (its metadata.run and config), read back
// from the .gfckpt files.

async function checkpoint(out: string, name = 'latest'): Promise<Checkpoint> {
  const loaded = await new FileCheckpointStore(out).load(name);
  expect(loaded, `${out}/${name}.gfckpt`).toBeDefined();
  return loaded!;
}

const run = (saved: Checkpoint) => saved.metadata['run'] as Record<string, unknown>;
const generatorAdam = (saved: Checkpoint) =>
  (saved.config['optimizers'] as { generator: { learningRate: number } }).generator;

/** A deterministic RGB test picture as PNG bytes. */
function photo(width: number, height: number, seed: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = (i * 7 + seed * 31) % 256;
    png.data[i + 1] = (i * 3) % 256;
    png.data[i + 2] = (i * 5 + seed) % 256;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Named float32 values of a serialized model or optimizer state. */
function values(serialized: SerializedModel | SerializedTensors): Map<string, Float32Array> {
  const specs = 'weightSpecs' in serialized ? serialized.weightSpecs : serialized.specs;
  const data = 'weightData' in serialized ? serialized.weightData : serialized.data;
  const tensors = tf.io.decodeWeights(data, specs);
  const out = new Map<string, Float32Array>();
  for (const [name, tensor] of Object.entries(tensors)) {
    out.set(name, tensor.dataSync() as Float32Array);
    tensor.dispose();
  }
  return out;
}

/** Adam's iteration count stored with the generator optimizer's slots. */
function adamIterations(saved: Checkpoint): number {
  const entry = [...values(saved.optimizers.generator)].find(([name]) => name === 'iter');
  expect(entry, 'the iteration count among the optimizer slots').toBeDefined();
  return entry![1][0]!;
}

/**
 * A fresh Adam after one step holds m = (1 - b1) g and v = (1 - b2) g^2 for every weight, so
 * |m| / sqrt(v) = (1 - b1) / sqrt(1 - b2) = 15.81 for b1 = 0.5, b2 = 0.999, whatever g. Moments
 * carried over from earlier steps give other ratios: the largest distance from 15.81 tells them apart.
 */
function largestMomentRatioDeviation(saved: Checkpoint): number {
  const slots = values(saved.optimizers.generator);
  const fresh = 0.5 / Math.sqrt(0.001);
  let largest = 0;
  for (const [name, m] of slots) {
    if (!name.endsWith('/m')) continue;
    const v = slots.get(`${name.slice(0, -2)}/v`)!;
    for (let i = 0; i < m.length; i++) {
      if (v[i]! > 1e-30) largest = Math.max(largest, Math.abs(Math.abs(m[i]!) / Math.sqrt(v[i]!) - fresh));
    }
  }
  return largest;
}

/**
 * Largest |change| of any trained generator weight between two checkpoints (batch-norm moving
 * statistics are updated by momentum, not by the optimizer, and are left out).
 */
function largestUpdate(before: Checkpoint, after: Checkpoint): number {
  const old = values(before.generator);
  let largest = 0;
  for (const [name, weights] of values(after.generator)) {
    if (/moving_(mean|variance)/.test(name)) continue;
    const previous = old.get(name)!;
    for (let i = 0; i < weights.length; i++) largest = Math.max(largest, Math.abs(weights[i]! - previous[i]!));
  }
  return largest;
}

/**
 * The largest step Adam can take at iteration t with learning rate lr, whatever the gradients:
 * the step is lr m̂ / (sqrt(v̂) + eps) (Kingma & Ba 2015, alg. 1), and by Cauchy-Schwarz over the
 * gradient history |m_t| <= sqrt(sum_k a_k^2 / b_k) sqrt(v_t) with a_k = (1 - b1) b1^k and
 * b_k = (1 - b2) b2^k; the bias corrections add sqrt(1 - b2^t) / (1 - b1^t). DCGAN's b1 = 0.5.
 */
function adamStepBound(lr: number, t: number, beta1 = 0.5, beta2 = 0.999): number {
  let sum = 0;
  for (let k = 0; k < t; k++) sum += ((1 - beta1) * beta1 ** k) ** 2 / ((1 - beta2) * beta2 ** k);
  return (lr * Math.sqrt(sum) * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
}

/** A tiny DCGAN on 40 MNIST images (5 batches of 8 per pass), a few seconds per command on cpu. */
const dcgan = (...flags: string[]) =>
  ganforge(
    'train',
    'dcgan',
    '--dataset',
    'mnist',
    '--batch-size',
    '8',
    '--latent-dim',
    '8',
    '--backend',
    'cpu',
    ...flags,
  );
const tiny = ['--limit', '40', '--filters', '4'];

describe('ganforge train ... --resume with explicit flags', () => {
  it('dcgan: applies --lr (Adam keeps its moments), --loss and new data (a new pass), refuses --filters and --seed', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-resume-')), 'run');
    const first = dcgan(...tiny, '--out', out, '--steps', '2');
    expect(first.code, first.errors).toBe(0);
    const started = await checkpoint(out);
    const recordedRate = run(started)['learningRate'] as number;
    expect(generatorAdam(started).learningRate).toBe(recordedRate);

    const faster = dcgan(...tiny, '--out', out, '--steps', '3', '--resume', '--lr', '0.01');
    expect(faster.code, faster.errors).toBe(0);
    expect(faster.stderr).toContain(`[ganforge] resume: --lr 0.01 replaces the checkpoint's ${recordedRate}\n`);
    const resumed = await checkpoint(out);
    expect(resumed.step).toBe(3);
    // The record and the optimizer the trainer was built with carry the new rate ...
    expect(run(resumed)['learningRate']).toBe(0.01);
    expect(generatorAdam(resumed).learningRate).toBe(0.01);
    // ... Adam went on from its restored state (not from a fresh optimizer) ...
    expect(adamIterations(resumed)).toBe(adamIterations(started) + 1);
    expect(largestMomentRatioDeviation(resumed)).toBeGreaterThan(1);
    // ... and the step it took is one that the recorded rate cannot produce.
    const update = largestUpdate(started, resumed);
    expect(update).toBeGreaterThan(adamStepBound(recordedRate, 3));
    expect(update).toBeLessThanOrEqual(adamStepBound(0.01, 3) * (1 + 1e-4));

    // Not given again: the checkpoint's new rate stays (the default 2e-4 does not win).
    const plain = dcgan(...tiny, '--out', out, '--steps', '4', '--resume');
    expect(plain.code, plain.errors).toBe(0);
    expect(plain.stderr).not.toContain('[ganforge] resume:');
    const kept = await checkpoint(out);
    expect(generatorAdam(kept).learningRate).toBe(0.01);

    const wider = dcgan('--limit', '40', '--filters', '8', '--out', out, '--steps', '5', '--resume');
    expect(wider.code).toBe(2);
    expect(wider.errors).toMatch(
      new RegExp(
        `^ganforge: --filters: expected ${run(kept)['filters']}, the value the checkpoint was trained with \\(the checkpoint holds weights of this shape\\), received 8\\.`,
      ),
    );
    expect(wider.errors.split('\n')).toHaveLength(1);
    const reseeded = dcgan(...tiny, '--seed', '5', '--out', out, '--steps', '5', '--resume');
    expect(reseeded.code).toBe(2);
    expect(reseeded.errors).toMatch(new RegExp(`^ganforge: --seed: expected ${run(kept)['seed']}, the value`));
    expect((await checkpoint(out)).step).toBe(4);

    // 8 images in batches of 4 are two per pass: the interrupted pass (4 of 5 batches done) cannot go on.
    expect(kept.batchInEpoch).toBe(4);
    const other = dcgan(
      '--limit',
      '8',
      '--filters',
      '4',
      '--batch-size',
      '4',
      '--loss',
      'hinge',
      '--out',
      out,
      '--steps',
      '5',
      '--resume',
    );
    expect(other.code, other.errors).toBe(0);
    for (const line of [
      `--limit 8 replaces the checkpoint's ${run(kept)['limit']}`,
      `--batch-size 4 replaces the checkpoint's ${run(kept)['batchSize']}`,
      `--loss 'hinge' replaces the checkpoint's '${run(kept)['loss']}'`,
      'the batches change, so training starts a new pass over the data (no longer an exact continuation)',
    ]) {
      expect(other.stderr).toContain(`[ganforge] resume: ${line}\n`);
    }
    const changed = await checkpoint(out);
    expect(run(changed)).toMatchObject({ limit: 8, batchSize: 4, loss: 'hinge' });
    expect((changed.config['loss'] as { name: string }).name).toBe('hinge');
    // A new pass (epoch + 1), one batch into it.
    expect([changed.epoch, changed.batchInEpoch]).toEqual([kept.epoch + 1, 1]);
  }, 600_000);

  it('lapgan: --lr applies to the level trained, each level keeps its own record, --kernel-size is refused', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-resume-lapgan-')), 'run');
    const lapgan = (...flags: string[]) =>
      ganforge(
        'train',
        'lapgan',
        '--dataset',
        'mnist',
        '--limit',
        '32',
        '--batch-size',
        '8',
        '--filters',
        '2',
        '--hidden-units',
        '8',
        '--backend',
        'cpu',
        ...flags,
      );
    const first = lapgan('--out', out, '--steps', '2');
    expect(first.code, first.errors).toBe(0);
    const [level0, level1] = [await checkpoint(out, 'level-0'), await checkpoint(out, 'level-1')];
    const recordedRate = run(level0)['learningRate'];

    const faster = lapgan('--out', out, '--steps', '3', '--resume', '--level', '0', '--lr', '0.01');
    expect(faster.code, faster.errors).toBe(0);
    expect(faster.stderr).toContain(
      `[ganforge] resume: level 0: --lr 0.01 replaces the checkpoint's ${recordedRate}\n`,
    );
    const resumed0 = await checkpoint(out, 'level-0');
    expect(run(resumed0)['learningRate']).toBe(0.01);
    expect(generatorAdam(resumed0).learningRate).toBe(0.01);
    expect(adamIterations(resumed0)).toBe(adamIterations(level0) + 1);

    // Level 1 goes on with what its own checkpoint records, not with level 0's new rate.
    const other = lapgan('--out', out, '--steps', '3', '--resume', '--level', '1');
    expect(other.code, other.errors).toBe(0);
    expect(other.stderr).not.toContain('[ganforge] resume:');
    const resumed1 = await checkpoint(out, 'level-1');
    expect(generatorAdam(resumed1).learningRate).toBe(run(level1)['learningRate']);

    const wider = lapgan('--out', out, '--steps', '4', '--resume', '--kernel-size', '5');
    expect(wider.code).toBe(2);
    expect(wider.errors).toMatch(
      new RegExp(
        `^ganforge: --kernel-size: expected ${run(level0)['kernelSize']}, the value the checkpoint was trained with`,
      ),
    );
    expect(wider.errors.split('\n')).toHaveLength(1);
  }, 600_000);

  it('lapgan: checks --levels against the recorded image size, not the default 28 px', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ganforge-resume-lapgan-levels-'));
    const images = join(root, 'images');
    mkdirSync(images);
    for (let n = 0; n < 8; n++) writeFileSync(join(images, `${n}.png`), photo(33, 33, n));
    const lapgan = (...flags: string[]) =>
      ganforge(
        'train',
        'lapgan',
        '--dataset',
        images,
        '--levels',
        '7',
        '--filters',
        '2',
        '--hidden-units',
        '8',
        '--batch-size',
        '4',
        '--backend',
        'cpu',
        '--out',
        join(root, 'run'),
        '--steps',
        '1',
        ...flags,
      );
    // 1 + ceil(log2 33) = 7 levels fit 33 px images (28 px allow 6).
    const first = lapgan('--size', '33', '--channels', '3');
    expect(first.code, first.errors).toBe(0);
    const resumed = lapgan('--resume');
    expect(resumed.code, resumed.errors).toBe(0);
    expect(resumed.stdout).toContain('level 0: 0 steps (1 in total)');
  }, 600_000);

  it('text2img: --lr applies, --encoder-steps and --embedding-dim are refused', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ganforge-resume-text2img-')), 'run');
    const text2img = (...flags: string[]) =>
      ganforge(
        'train',
        'text2img',
        '--dataset',
        'shapes',
        '--limit',
        '40',
        '--encoder',
        'bag-of-words',
        '--size',
        '16',
        '--filters',
        '2',
        '--latent-dim',
        '4',
        '--batch-size',
        '8',
        '--backend',
        'wasm',
        ...flags,
      );
    const first = text2img('--embedding-dim', '8', '--encoder-steps', '3', '--out', out, '--steps', '2');
    expect(first.code, first.errors).toBe(0);
    const started = await checkpoint(out);
    const recordedRate = run(started)['learningRate'];

    const slower = text2img('--out', out, '--steps', '3', '--resume', '--lr', '0.0005');
    expect(slower.code, slower.errors).toBe(0);
    expect(slower.stderr).toContain(`[ganforge] resume: --lr 0.0005 replaces the checkpoint's ${recordedRate}\n`);
    const resumed = await checkpoint(out);
    expect(run(resumed)['learningRate']).toBe(0.0005);
    expect(generatorAdam(resumed).learningRate).toBe(0.0005);
    expect(adamIterations(resumed)).toBe(adamIterations(started) + 1);

    const retrain = text2img('--out', out, '--steps', '4', '--resume', '--encoder-steps', '5');
    expect(retrain.code).toBe(2);
    expect(retrain.errors).toMatch(
      /^ganforge: --encoder-steps: expected no value when the run resumes \(the run's text-encoder.json is already trained\)/,
    );
    const wider = text2img('--out', out, '--steps', '4', '--resume', '--embedding-dim', '16');
    expect(wider.code).toBe(2);
    expect(wider.errors).toMatch(
      new RegExp(`^ganforge: --embedding-dim: expected ${run(started)['embeddingDim']}, the value the checkpoint`),
    );
    expect((await checkpoint(out)).step).toBe(3);
  }, 600_000);

  it('srgan: resumes without repeating its architecture flags, applies --lr, refuses --crop; srresnet --init refuses --blocks', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ganforge-resume-sr-'));
    const photos = join(root, 'photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'a.png'), photo(32, 32, 1));
    writeFileSync(join(photos, 'b.png'), photo(32, 32, 2));
    const sr = (command: string, ...flags: string[]) =>
      ganforge('train', command, '--images', photos, '--crop', '16', '--batch-size', '2', '--backend', 'cpu', ...flags);
    const out = join(root, 'srgan');
    const architecture = ['--blocks', '1', '--filters', '4', '--discriminator-filters', '2'];
    const first = sr('srgan', ...architecture, '--out', out, '--steps', '1');
    expect(first.code, first.errors).toBe(0);
    const started = await checkpoint(out);
    const recordedRate = run(started)['lr'];

    // No --blocks/--filters: the checkpoint's generator, not the defaults (16 blocks, 64 filters).
    const faster = sr('srgan', '--out', out, '--steps', '2', '--resume', '--lr', '0.0005');
    expect(faster.code, faster.errors).toBe(0);
    expect(faster.stderr).toContain(`[ganforge] resume: --lr 0.0005 replaces the checkpoint's ${recordedRate}\n`);
    const resumed = await checkpoint(out);
    expect(run(resumed)).toMatchObject({ lr: 0.0005, blocks: 1, filters: 4 });
    expect(generatorAdam(resumed).learningRate).toBe(0.0005);
    expect(adamIterations(resumed)).toBe(adamIterations(started) + 1);

    const larger = sr('srgan', '--out', out, '--steps', '3', '--resume', '--crop', '24');
    expect(larger.code).toBe(2);
    expect(larger.errors).toMatch(
      /^ganforge: --crop: expected 16, the value the checkpoint was trained with \(the discriminator's input is crop x crop\), received 24\./,
    );

    const pretrained = join(root, 'srresnet');
    expect(sr('srresnet', '--blocks', '1', '--filters', '4', '--out', pretrained, '--steps', '1').code).toBe(0);
    const deeper = sr('srresnet', '--init', pretrained, '--blocks', '2', '--out', join(root, 'again'), '--steps', '1');
    expect(deeper.code).toBe(2);
    expect(deeper.errors).toMatch(
      /^ganforge: --blocks: expected 1, the value the checkpoint was trained with \(the --init model has this many residual blocks\), received 2\./,
    );
  }, 600_000);
});
