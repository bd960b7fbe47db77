import * as tf from '@tensorflow/tfjs';

import {
  assertInteger,
  type Checkpoint,
  CheckpointError,
  InvalidArgumentError,
  loadGenerator,
  type NoiseOptions,
} from '@ganforge/core';

import { type LevelSize, pyramidLevelSizes } from '../pyramid/pyramid-levels.js';
import { type LapGanSample, type LapGanSampleOptions, sampleCoarseToFine } from './coarse-to-fine.js';
import { lapganMetadataOf } from './lapgan-metadata.js';

/** One level's trained generator and the noise it was trained with. */
export interface LapGanSamplerLevel {
  readonly generator: tf.LayersModel;
  readonly noise: NoiseOptions;
}

export interface LapGanSamplerOptions {
  readonly imageShape: readonly [height: number, width: number, channels: number];
  /** One per level, finest first. */
  readonly levels: readonly LapGanSamplerLevel[];
  readonly classes?: number;
}

/**
 * Samples a trained LAPGAN from its generators alone (no discriminators or optimizer state), e.g.
 * from level checkpoints in a browser. Gives the same images as `LapGan.sample` for the same seed.
 *
 * @example
 * ```ts
 * const store = new FileCheckpointStore('runs/lapgan'); // from @ganforge/core/node
 * const checkpoints = await Promise.all([0, 1, 2].map((level) => store.load(`level-${level}`)));
 * const sampler = await LapGanSampler.fromCheckpoints(checkpoints);
 * const { images, levels } = sampler.sample({ count: 16, seed: 3, returnLevels: true });
 * ```
 */
export class LapGanSampler {
  readonly imageShape: readonly [number, number, number];
  readonly levelCount: number;
  readonly classes: number;
  readonly sizes: readonly LevelSize[];
  readonly #levels: readonly LapGanSamplerLevel[];

  constructor(options: LapGanSamplerOptions) {
    const shape = options?.imageShape;
    if (!Array.isArray(shape) || shape.length !== 3) {
      throw new InvalidArgumentError('options.imageShape', '[height, width, channels]', shape);
    }
    if (!Array.isArray(options.levels) || options.levels.length === 0) {
      throw new InvalidArgumentError(
        'options.levels',
        'one { generator, noise } per level, finest first',
        options.levels,
      );
    }
    this.imageShape = [shape[0], shape[1], shape[2]];
    this.levelCount = options.levels.length;
    this.sizes = pyramidLevelSizes(shape[0], shape[1], this.levelCount);
    this.classes = options.classes ?? 0;
    if (options.classes !== undefined) assertInteger(options.classes, 2, 1 << 16, 'options.classes');
    options.levels.forEach((level, index) => {
      if (typeof level?.generator?.predict !== 'function') {
        throw new InvalidArgumentError(`options.levels[${index}].generator`, 'a tf.LayersModel', level?.generator);
      }
      assertInteger(level.noise?.dim, 1, 1 << 20, `options.levels[${index}].noise.dim`);
    });
    this.#levels = options.levels;
  }

  /**
   * Rebuilds the sampler from one checkpoint per level (any order), as written by `LapGan.fitLevel`.
   * `ema` (default: where a checkpoint has them) loads the averaged generator weights.
   */
  static async fromCheckpoints(
    checkpoints: readonly (Checkpoint | undefined)[],
    options: { ema?: boolean } = {},
  ): Promise<LapGanSampler> {
    if (!Array.isArray(checkpoints) || checkpoints.length === 0) {
      throw new InvalidArgumentError('checkpoints', 'one LAPGAN level checkpoint per level', checkpoints);
    }
    const described = checkpoints.map((checkpoint, index) => {
      if (checkpoint === undefined) {
        throw new CheckpointError(
          `checkpoints[${index}]: missing (the store has no such checkpoint); train that level first.`,
        );
      }
      return { checkpoint, metadata: lapganMetadataOf(checkpoint, `checkpoints[${index}]`) };
    });
    const first = described[0]!.metadata;
    const byLevel = new Array<Checkpoint | undefined>(first.levels);
    for (const { checkpoint, metadata } of described) {
      const consistent =
        metadata.levels === first.levels &&
        metadata.classes === first.classes &&
        tf.util.arraysEqual([...metadata.imageShape], [...first.imageShape]);
      if (!consistent) {
        throw new CheckpointError(
          `checkpoints: level ${metadata.level} belongs to a different LAPGAN (${metadata.levels} levels, ` +
            `[${metadata.imageShape.join(', ')}], ${metadata.classes} classes) than level ${first.level} ` +
            `(${first.levels} levels, [${first.imageShape.join(', ')}], ${first.classes} classes).`,
        );
      }
      if (byLevel[metadata.level]) throw new CheckpointError(`checkpoints: level ${metadata.level} is given twice.`);
      byLevel[metadata.level] = checkpoint;
    }
    const missing = [...byLevel.keys()].filter((level) => byLevel[level] === undefined);
    if (missing.length > 0) {
      throw new CheckpointError(
        `checkpoints: expected all ${first.levels} levels, missing level${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
      );
    }
    const levels = await Promise.all(
      byLevel.map(async (checkpoint) => {
        const noise = checkpoint!.config['noise'] as NoiseOptions | false;
        if (!noise) throw new CheckpointError('checkpoints: a LAPGAN level checkpoint without noise options.');
        const ema = options.ema === false ? false : checkpoint!.generatorEma !== undefined;
        return { generator: await loadGenerator(checkpoint, { ema }), noise };
      }),
    );
    return new LapGanSampler({
      imageShape: first.imageShape,
      levels,
      ...(first.classes > 0 ? { classes: first.classes } : {}),
    });
  }

  /** Generates images coarse to fine; see `LapGan.sample`. */
  sample(options: LapGanSampleOptions & { readonly returnLevels: true }): LapGanSample;
  sample(options: LapGanSampleOptions): tf.Tensor4D;
  sample(options: LapGanSampleOptions): tf.Tensor4D | LapGanSample {
    const result = sampleCoarseToFine(
      this.sizes,
      this.classes,
      (level, count, seed, condition) => {
        const { generator, noise } = this.#levels[level]!;
        // The same draw as AdversarialTrainer.generate, so both paths give the same images.
        const z =
          noise.distribution === 'uniform'
            ? tf.randomUniform([count, noise.dim], -1, 1, 'float32', seed)
            : tf.randomNormal([count, noise.dim], 0, 1, 'float32', seed);
        return generator.predict(condition ? [z, condition] : z) as tf.Tensor;
      },
      options,
    );
    if (options.returnLevels) return result;
    tf.dispose(result.levels);
    return result.images;
  }

  /** Frees the generators. */
  dispose(): void {
    for (const { generator } of this.#levels) generator.dispose();
  }
}
