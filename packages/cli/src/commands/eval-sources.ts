import { CheckpointError, deriveSeed, InvalidArgumentError, loadGenerator } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import { loadMnist } from '@ganforge/data/node';
import * as tf from '@tensorflow/tfjs';

import { type DcganRunOptions, sampleConditions } from '../dcgan-run.js';
import { assertExistingFolder } from '../input-paths.js';
import { dcganRunSchema, parseCheckpointMetadata } from '../run-metadata.js';

export type MnistDatasetName = 'mnist' | 'fashion-mnist';

/** A trained generator from a run folder, with what is needed to sample it. */
export interface CheckpointGenerator {
  readonly folder: string;
  readonly step: number;
  readonly ema: boolean;
  readonly run: DcganRunOptions;
  /** Images [count, h, w, c] in [-1, 1], drawn in batches from seeded noise (balanced classes if conditional). */
  generate(count: number, seed: number, onProgress?: (done: number) => void): Promise<tf.Tensor4D>;
  dispose(): void;
}

export async function loadCheckpointGenerator(folder: string, useEma: boolean): Promise<CheckpointGenerator> {
  await assertExistingFolder(
    '--checkpoint',
    folder,
    'a run folder written by `ganforge train dcgan` or `ganforge demo`',
  );
  const checkpoint = await new FileCheckpointStore(folder).load('latest');
  if (!checkpoint) {
    throw new InvalidArgumentError(
      '--checkpoint',
      'a run folder with latest.gfckpt (written by `ganforge train`)',
      folder,
    );
  }
  // Sampling needs the architecture fields only, which the schema requires.
  const run = parseCheckpointMetadata(
    checkpoint,
    'run',
    dcganRunSchema,
    folder,
    '`ganforge train dcgan` or `ganforge demo`',
  ) as DcganRunOptions;
  const ema = useEma && checkpoint.generatorEma !== undefined;
  const generator = await loadGenerator(checkpoint, { ema });
  // The noise must fit the generator the checkpoint holds: checked before any is drawn.
  const noiseInput = generator.inputs[0]?.shape[1];
  if (noiseInput !== run.latentDim) {
    generator.dispose();
    throw new CheckpointError(
      `${folder}: metadata.run.latentDim: expected ${noiseInput}, the noise size of the checkpoint's generator, received ${run.latentDim}.`,
      { code: 'CHECKPOINT_MISMATCH' },
    );
  }
  const batchSize = 500;
  return {
    folder,
    step: checkpoint.step,
    ema,
    run,
    async generate(count, seed, onProgress) {
      const parts: tf.Tensor[] = [];
      try {
        for (let start = 0, batch = 0; start < count; start += batchSize, batch++) {
          const size = Math.min(batchSize, count - start);
          parts.push(
            tf.tidy(() => {
              const noise = tf.randomNormal(
                [size, run.latentDim],
                0,
                1,
                'float32',
                deriveSeed(seed, 'eval-noise', batch),
              );
              const condition = sampleConditions(run, size);
              return generator.predict(condition ? [noise, condition] : noise) as tf.Tensor;
            }),
          );
          await parts.at(-1)!.data();
          onProgress?.(start + size);
        }
        return tf.concat(parts) as tf.Tensor4D;
      } finally {
        tf.dispose(parts);
      }
    },
    dispose() {
      generator.dispose();
    },
  };
}

/** The MNIST variant to compare with: --dataset, else the one the checkpoint was trained on. */
export function mnistDatasetOf(requested: string | undefined, run: DcganRunOptions): MnistDatasetName {
  const name = requested ?? run.dataset;
  if (name !== 'mnist' && name !== 'fashion-mnist') {
    throw new InvalidArgumentError(
      '--dataset',
      "'mnist' or 'fashion-mnist' (the data sets with a reference classifier and test split)",
      name,
    );
  }
  return name;
}

/** Images [start, start + count) of a split, in [-1, 1]. */
export function mnistImages(
  dataset: MnistDatasetName,
  split: 'train' | 'test',
  start: number,
  count: number,
): tf.Tensor4D {
  const { images } = loadMnist({ variant: dataset, split, limit: start + count });
  const available = images.shape[0] - start;
  if (available < count) {
    images.dispose();
    throw new InvalidArgumentError(
      '--test / --validation / --reference-count',
      `at most ${Math.max(0, available)} images from ${dataset} ${split}[${start}:]`,
      count,
    );
  }
  const slice = images.slice(start, count);
  images.dispose();
  return slice as tf.Tensor4D;
}
