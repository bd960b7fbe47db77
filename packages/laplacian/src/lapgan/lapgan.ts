import * as tf from '@tensorflow/tfjs';

import {
  AdversarialTrainer,
  assertInteger,
  type Checkpoint,
  CheckpointError,
  type Dataset,
  describedAs,
  deriveSeed,
  type FitOptions,
  InvalidArgumentError,
  ShapeMismatchError,
  TensorDataset,
  type TrainingBatch,
  type TrainingRun,
} from '@ganforge/core';

import {
  type LevelSize,
  maxPyramidLevels,
  pyramidLevelSizes,
  TooManyPyramidLevelsError,
} from '../pyramid/pyramid-levels.js';
import type { ClassLabels } from './class-conditions.js';
import { type LapGanSample, type LapGanSampleOptions, sampleCoarseToFine } from './coarse-to-fine.js';
import type { LapGanLevelConfig, LapGanLevelSpec } from './lapgan-level-spec.js';
import { lapganLevelData } from './lapgan-level-data.js';
import { type LapGanCheckpointMetadata, lapganCheckpointName, lapganMetadataOf } from './lapgan-metadata.js';

export interface LapGanOptions {
  /** [height, width, channels] of the full-resolution images (level 0). */
  readonly imageShape: readonly [height: number, width: number, channels: number];
  /** One config per pyramid level, finest first; the last is the coarsest level's GAN. */
  readonly levels: readonly LapGanLevelConfig[];
  /** Number of classes for a class-conditional LAPGAN (every level sees the class). */
  readonly classes?: number;
  /** Seed of every level's initialisers and trainer. Default 0. */
  readonly seed?: number;
}

interface BuiltLevel {
  readonly spec: LapGanLevelSpec;
  readonly trainer: AdversarialTrainer;
}

/**
 * A Laplacian pyramid GAN (Denton et al. 2015): an ordinary GAN for the coarsest level and, at each
 * finer level k, a conditional GAN whose generator turns noise and the upsampled coarser image
 * l_k = pyrUp(I_{k+1}) into the band-pass residual h_k, judged by a discriminator that sees (h_k, l_k).
 * Each level is an {@link AdversarialTrainer} with generatorInputs ['noise', 'condition'] and trains
 * on the real pyramids on its own, so levels train in any order, in separate runs or on separate
 * machines, each with its own checkpoint. Sampling runs coarse to fine.
 *
 * @example
 * ```ts
 * const lapgan = new LapGan({ imageShape: [28, 28, 1], levels: [lapganLevel({ filters: 16 }), lapganLevel({ hiddenUnits: 128 })] });
 * for (let level = 0; level < lapgan.levelCount; level++) {
 *   await lapgan.fitLevel(level, lapgan.levelDataset(level, images), { batchSize: 32, steps: 100 });
 * }
 * const grid = lapgan.sample({ count: 16, seed: 1 }); // [16, 28, 28, 1]
 * ```
 */
export class LapGan {
  readonly imageShape: readonly [number, number, number];
  readonly levelCount: number;
  /** 0 when not class-conditional. */
  readonly classes: number;
  readonly seed: number;
  /** [height, width] of each level, finest first. */
  readonly sizes: readonly LevelSize[];
  readonly #configs: readonly LapGanLevelConfig[];
  readonly #built = new Map<number, BuiltLevel>();

  constructor(options: LapGanOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', '{ imageShape, levels }', options);
    }
    const shape = options.imageShape;
    if (!Array.isArray(shape) || shape.length !== 3) {
      throw new InvalidArgumentError('options.imageShape', '[height, width, channels]', shape);
    }
    shape.forEach((dimension, index) => assertInteger(dimension, 1, 1 << 15, `options.imageShape[${index}]`));
    this.imageShape = [shape[0], shape[1], shape[2]];
    if (!Array.isArray(options.levels) || options.levels.length === 0) {
      throw new InvalidArgumentError(
        'options.levels',
        'one level config per pyramid level, finest first (e.g. lapganLevel())',
        options.levels,
      );
    }
    if (options.levels.length > maxPyramidLevels(shape[0], shape[1])) {
      throw new TooManyPyramidLevelsError('options.levels.length', options.levels.length, shape[0], shape[1]);
    }
    options.levels.forEach((config, index) => {
      if (typeof config?.generator !== 'function' || typeof config.discriminator !== 'function') {
        throw new InvalidArgumentError(
          `options.levels[${index}]`,
          '{ generator(spec), discriminator(spec) } (e.g. lapganLevel())',
          config,
        );
      }
      if (config.noiseDim !== undefined)
        assertInteger(config.noiseDim, 1, 1 << 20, `options.levels[${index}].noiseDim`);
    });
    this.#configs = options.levels;
    this.levelCount = options.levels.length;
    this.classes = options.classes ?? 0;
    if (options.classes !== undefined) assertInteger(options.classes, 2, 1 << 16, 'options.classes');
    this.seed = options.seed ?? 0;
    assertInteger(this.seed, 0, 2 ** 31 - 1, 'options.seed');
    this.sizes = pyramidLevelSizes(shape[0], shape[1], this.levelCount);
  }

  /** What level `level`'s models take and produce. */
  spec(level: number): LapGanLevelSpec {
    this.#assertLevel(level, 'level');
    const coarsest = level === this.levelCount - 1;
    const [height, width] = this.sizes[level]!;
    const channels = this.imageShape[2];
    return {
      level,
      levels: this.levelCount,
      coarsest,
      height,
      width,
      channels,
      noiseDim: this.#configs[level]!.noiseDim ?? (coarsest ? 100 : height * width),
      conditionChannels: coarsest ? 0 : channels + this.classes,
      classes: this.classes,
      seed: deriveSeed(this.seed, 'lapgan-models', level),
    };
  }

  /** The trainer of one level (built on first use): its generator, discriminator and optimizers. */
  trainer(level: number): AdversarialTrainer {
    return this.#level(level).trainer;
  }

  /**
   * A training set for one level from real images in [-1, 1] (and labels when class-conditional):
   * the level's residuals and conditions computed from the real Laplacian pyramid.
   */
  levelDataset(level: number, images: tf.Tensor4D, options: { labels?: ClassLabels } = {}): TensorDataset {
    this.#assertLevel(level, 'level');
    const [, height, width, channels] = images?.shape ?? [];
    if (height !== this.imageShape[0] || width !== this.imageShape[1] || channels !== this.imageShape[2]) {
      throw new InvalidArgumentError(
        'images',
        `images of shape [N, ${this.imageShape.join(', ')}] (this LAPGAN's imageShape)`,
        images === undefined ? undefined : describedAs(`shape [${images.shape.join(', ')}]`),
      );
    }
    if (this.classes > 0 && options.labels === undefined) {
      throw new InvalidArgumentError(
        'options.labels',
        'one class label per image: this LAPGAN is class-conditional',
        undefined,
      );
    }
    const data = lapganLevelData(images, {
      level,
      levels: this.levelCount,
      ...(this.classes > 0 ? { classes: this.classes, labels: options.labels } : { labels: options.labels }),
    });
    try {
      return new TensorDataset(data.condition ? { real: data.real, condition: data.condition } : { real: data.real });
    } finally {
      tf.dispose([data.real, ...(data.condition ? [data.condition] : [])]);
    }
  }

  /**
   * Trains one level with its {@link AdversarialTrainer}. Checkpoints default to the name `level-<k>`
   * and carry `metadata.lapgan` (level, levels, image shape, classes), so `LapGanSampler.fromCheckpoints`
   * and `restoreLevel` can reassemble the LAPGAN from them.
   */
  fitLevel(level: number, dataset: Dataset<TrainingBatch>, options: FitOptions): TrainingRun {
    const { trainer } = this.#level(level);
    const checkpoints = options?.checkpoints
      ? {
          ...options.checkpoints,
          name: options.checkpoints.name ?? lapganCheckpointName(level),
          metadata: { ...options.checkpoints.metadata, lapgan: this.#metadata(level) },
        }
      : undefined;
    return trainer.fit(dataset, checkpoints ? { ...options, checkpoints } : options);
  }

  /** A checkpoint of one level, with `metadata.lapgan`. */
  checkpointLevel(level: number, metadata: Readonly<Record<string, unknown>> = {}): Promise<Checkpoint> {
    return this.#level(level).trainer.checkpoint({ ...metadata, lapgan: this.#metadata(level) });
  }

  /** Loads a level checkpoint (written by {@link fitLevel} or {@link checkpointLevel}) into its level. */
  async restoreLevel(level: number, checkpoint: Checkpoint): Promise<void> {
    this.#assertLevel(level, 'level');
    const stored = lapganMetadataOf(checkpoint, 'checkpoint');
    const expected = this.#metadata(level);
    const same =
      stored.level === expected.level &&
      stored.levels === expected.levels &&
      stored.classes === expected.classes &&
      tf.util.arraysEqual([...stored.imageShape], [...expected.imageShape]);
    if (!same) {
      throw new CheckpointError(
        `checkpoint: it is level ${stored.level} of a ${stored.levels}-level LAPGAN for [${stored.imageShape.join(', ')}] images` +
          `${stored.classes ? ` with ${stored.classes} classes` : ''}; expected level ${level} of this ${this.levelCount}-level ` +
          `LAPGAN for [${this.imageShape.join(', ')}]${this.classes ? ` with ${this.classes} classes` : ''}.`,
      );
    }
    await this.#level(level).trainer.restore(checkpoint);
  }

  /**
   * Generates images coarse to fine (Denton et al. 2015, eq. 2). With `returnLevels`, returns every
   * level's image too; the caller disposes what is returned.
   */
  sample(options: LapGanSampleOptions & { readonly returnLevels: true }): LapGanSample;
  sample(options: LapGanSampleOptions): tf.Tensor4D;
  sample(options: LapGanSampleOptions): tf.Tensor4D | LapGanSample {
    for (let level = 0; level < this.levelCount; level++) this.#level(level);
    const result = sampleCoarseToFine(
      this.sizes,
      this.classes,
      (level, count, seed, condition) =>
        this.#level(level).trainer.generate({ count, seed, condition, ema: options?.ema ?? true }),
      options,
    );
    if (options.returnLevels) return result;
    tf.dispose(result.levels);
    return result.images;
  }

  /** Frees every level's models, optimizer state and EMA weights. */
  dispose(): void {
    for (const { trainer } of this.#built.values()) {
      trainer.dispose();
      trainer.generator.dispose();
      trainer.discriminator.dispose();
    }
    this.#built.clear();
  }

  #metadata(level: number): LapGanCheckpointMetadata {
    return { level, levels: this.levelCount, imageShape: this.imageShape, classes: this.classes };
  }

  #assertLevel(level: unknown, argument: string): asserts level is number {
    assertInteger(level, 0, this.levelCount - 1, argument);
  }

  #level(level: number): BuiltLevel {
    this.#assertLevel(level, 'level');
    const existing = this.#built.get(level);
    if (existing) return existing;
    const spec = this.spec(level);
    const config = this.#configs[level]!;
    const generator = config.generator(spec);
    const discriminator = config.discriminator(spec);
    const output = generator.outputs[0]?.shape ?? [];
    if (
      generator.outputs.length !== 1 ||
      output.length !== 4 ||
      ![spec.height, spec.width, spec.channels].every((size, axis) => output[axis + 1] === size)
    ) {
      throw new ShapeMismatchError(
        `options.levels[${level}].generator(spec) output`,
        `[batch, ${spec.height}, ${spec.width}, ${spec.channels}] (level ${level}'s ${spec.coarsest ? 'image' : 'residual'})`,
        output.map((dimension) => dimension ?? -1),
        'Build the model from the spec it receives (spec.height, spec.width, spec.channels).',
      );
    }
    const conditional = !spec.coarsest || spec.classes > 0;
    const trainer = new AdversarialTrainer({
      ...config.trainer,
      generator,
      discriminator,
      noise: { dim: spec.noiseDim },
      generatorInputs: conditional ? ['noise', 'condition'] : ['noise'],
      discriminatorInputs: conditional ? ['image', 'condition'] : ['image'],
      seed: deriveSeed(this.seed, 'lapgan-trainer', level),
    });
    const built = { spec, trainer };
    this.#built.set(level, built);
    return built;
  }
}
