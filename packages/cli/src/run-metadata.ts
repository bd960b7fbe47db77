import { adversarialLossNames, type Checkpoint, CheckpointError } from '@ganforge/core';
import * as v from 'valibot';

/**
 * The ranges of the settings the CLI records in a checkpoint's `metadata.run`, shared by the flags
 * that set them and by the schemas that check a checkpoint's record before anything is built from
 * it: a checkpoint the CLI writes is one it reads back, and one from elsewhere cannot ask for more.
 * Each range is the one the model builder itself accepts (e.g. `dcgan()` takes filters 1-1024).
 */
export const runLimits = {
  /** Core's trainer, LAPGAN and SRGAN builders: 31-bit seeds. */
  seed: [0, 2 ** 31 - 1],
  /** The text-to-image models take seeds below 2^21 (text-to-image-models.ts). */
  textToImageSeed: [0, 2 ** 21],
  batchSize: [1, 1 << 16],
  dcganFilters: [1, 1024],
  dcganLatentDim: [1, 4096],
  lapganSize: [2, 4096],
  lapganLevels: [1, 16],
  lapganFilters: [1, 4096],
  lapganKernelSize: [1, 15],
  lapganHiddenUnits: [1, 1 << 16],
  textToImageFilters: [1, 1024],
  textToImageDim: [1, 1 << 16],
  srresnetBlocks: [0, 256],
  srganFilters: [1, 4096],
  srganCrop: [8, 4096],
  /** Output pixels a LAPGAN level checkpoint may describe per side (`metadata.lapgan.imageShape`). */
  imageSide: [1, 4096],
  channels: [1, 4],
} as const satisfies Record<string, readonly [number, number]>;

type Range = readonly [number, number];

/** An integer in [min, max]; the issue's message is what the error says was expected. */
export function integerIn([min, max]: Range) {
  const expected = `an integer from ${min} to ${max}`;
  return v.pipe(v.number(expected), v.integer(expected), v.minValue(min, expected), v.maxValue(max, expected));
}

const positiveNumber = v.pipe(
  v.number('a positive number'),
  v.finite('a positive number'),
  v.gtValue(0, 'a positive number'),
);
const nonNegativeNumber = v.pipe(v.number('a number >= 0'), v.finite('a number >= 0'), v.minValue(0, 'a number >= 0'));
const text = v.pipe(v.string('a string'), v.maxLength(4096, 'a string of at most 4096 characters'));
const flag = v.boolean('true or false');

function oneOf<const T extends readonly (string | number)[]>(options: T) {
  return v.picklist(options, `one of ${options.map((option) => JSON.stringify(option)).join(', ')}`);
}

function settings<const Entries extends v.ObjectEntries>(entries: Entries) {
  return v.object(entries, 'an object of settings');
}

// Architecture fields are required (the models are built from them); training settings are
// optional, as a record from an earlier version may lack one (the flag's value is used then).
const optional = v.optional;

/** The training settings `train dcgan` and `train lapgan` record (optional: older runs lack some). */
const imageGanTrainingSettings = {
  loss: optional(oneOf(adversarialLossNames)),
  learningRate: optional(positiveNumber),
  batchSize: optional(integerIn(runLimits.batchSize)),
  seed: optional(integerIn(runLimits.seed)),
  limit: optional(integerIn([1, Number.MAX_SAFE_INTEGER])),
};

/** `metadata.run` of `ganforge train dcgan` (and `demo`). */
export const dcganRunSchema = settings({
  dataset: text,
  size: oneOf([28, 32, 64]),
  channels: oneOf([1, 3]),
  latentDim: integerIn(runLimits.dcganLatentDim),
  filters: integerIn(runLimits.dcganFilters),
  conditional: flag,
  ...imageGanTrainingSettings,
});

/** `metadata.run` of `ganforge train lapgan` (every level checkpoint). */
export const lapganRunSchema = settings({
  model: optional(v.literal('lapgan', '"lapgan"')),
  dataset: text,
  size: integerIn(runLimits.lapganSize),
  channels: oneOf([1, 3]),
  levels: integerIn(runLimits.lapganLevels),
  filters: integerIn(runLimits.lapganFilters),
  kernelSize: integerIn(runLimits.lapganKernelSize),
  hiddenUnits: integerIn(runLimits.lapganHiddenUnits),
  conditional: flag,
  ...imageGanTrainingSettings,
});

/** `metadata.lapgan` of a LAPGAN level checkpoint (written by `LapGan.fitLevel`). */
export const lapganLevelSchema = settings({
  level: integerIn([0, runLimits.lapganLevels[1] - 1]),
  levels: integerIn(runLimits.lapganLevels),
  imageShape: v.tuple(
    [integerIn(runLimits.imageSide), integerIn(runLimits.imageSide), integerIn(runLimits.channels)],
    'an array [height, width, channels]',
  ),
  classes: integerIn([0, 1 << 16]),
});

/** `metadata.run` of `ganforge train text2img`. */
export const textToImageRunSchema = settings({
  model: v.literal('text2img', '"text2img"'),
  dataset: text,
  variant: optional(oneOf(['gan', 'gan-cls', 'gan-int', 'gan-int-cls'])),
  encoder: oneOf(['char-cnn-rnn', 'word-gru', 'bag-of-words']),
  size: oneOf([16, 32, 64]),
  filters: integerIn(runLimits.textToImageFilters),
  embeddingDim: integerIn(runLimits.textToImageDim),
  latentDim: integerIn(runLimits.textToImageDim),
  learningRate: optional(positiveNumber),
  batchSize: optional(integerIn([2, runLimits.batchSize[1]])),
  seed: optional(integerIn(runLimits.textToImageSeed)),
  limit: optional(integerIn([1, Number.MAX_SAFE_INTEGER])),
});

/** `metadata.run` of `ganforge train srgan`. */
export const srganRunSchema = settings({
  images: text,
  include: optional(text),
  exclude: optional(text),
  scale: oneOf(['2', '4', '8']),
  crop: integerIn(runLimits.srganCrop),
  batchSize: optional(integerIn(runLimits.batchSize)),
  cropsPerEpoch: optional(integerIn([1, Number.MAX_SAFE_INTEGER])),
  lr: optional(positiveNumber),
  seed: optional(integerIn(runLimits.seed)),
  init: optional(text),
  blocks: integerIn(runLimits.srresnetBlocks),
  filters: integerIn(runLimits.srganFilters),
  discriminatorFilters: integerIn(runLimits.srganFilters),
  content: optional(text),
  vggWeights: optional(text),
  adversarialWeight: optional(nonNegativeNumber),
  tvWeight: optional(nonNegativeNumber),
});

/** `metadata.upscaling` of a `train srgan` checkpoint (how to tile its generator). */
export const upscalingMetadataSchema = settings({
  scale: optional(integerIn([1, 64])),
  padding: optional(integerIn([0, 4096])),
});

function describeReceived(issue: v.BaseIssue<unknown>): string {
  const input = issue.input;
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}...` : input);
  if (typeof input === 'number' || typeof input === 'boolean' || input === null) return String(input);
  if (input === undefined) return 'nothing (the field is missing)';
  return Array.isArray(input) ? `an array of length ${input.length}` : `a ${typeof input}`;
}

/**
 * `checkpoint.metadata[key]` parsed with `schema`, before anything is built or allocated from it.
 *
 * @param source - where the checkpoint came from, for the message (e.g. the run folder).
 * @param what - what the checkpoint should have been written by, for a missing record.
 * @throws CheckpointError with code `CHECKPOINT_HEADER` naming `metadata.<key>.<field>`, the expected
 *   and the received, e.g. `runs/x/latest.gfckpt: metadata.run.filters: expected an integer from 1
 *   to 1024, received 1000000000.`
 */
export function parseCheckpointMetadata<const Schema extends v.GenericSchema>(
  checkpoint: Pick<Checkpoint, 'metadata'>,
  key: string,
  schema: Schema,
  source: string,
  what: string,
): v.InferOutput<Schema> {
  const metadata: unknown = checkpoint.metadata;
  const record =
    typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)[key] : undefined;
  if (record === undefined) {
    throw new CheckpointError(
      `${source}: metadata.${key}: expected the settings of the run, received nothing: the checkpoint was not written by ${what}.`,
      { code: 'CHECKPOINT_HEADER' },
    );
  }
  const result = v.safeParse(schema, record, { abortPipeEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  throw new CheckpointError(
    `${source}: metadata.${key}${path ? `.${path}` : ''}: expected ${issue.message}, received ${describeReceived(issue)}.`,
    { code: 'CHECKPOINT_HEADER' },
  );
}

/**
 * Refuses a record whose architecture widths (filters, hidden units, embedding sizes) exceed every
 * dimension of the checkpoint's own weights: an honest record's widths appear in its weight shapes
 * (a conv kernel's filters, a dense kernel's units), so a larger one is a record that does not
 * describe this checkpoint, and building models from it would allocate what its weights never
 * needed. Cheap: it reads the weight specs, nothing is built.
 *
 * @throws CheckpointError `CHECKPOINT_MISMATCH` naming `metadata.run.<field>`.
 */
export function assertWidthsWithinWeights(
  checkpoint: Pick<Checkpoint, 'generator' | 'discriminator'>,
  run: Readonly<Record<string, unknown>>,
  fields: readonly string[],
  source: string,
): void {
  let widest = 0;
  for (const model of [checkpoint.generator, checkpoint.discriminator]) {
    for (const spec of model.weightSpecs) for (const size of spec.shape) widest = Math.max(widest, size);
  }
  for (const field of fields) {
    const value = run[field];
    if (typeof value === 'number' && value > widest) {
      throw new CheckpointError(
        `${source}: metadata.run.${field}: expected at most ${widest}, the widest dimension of the checkpoint's weights, received ${value}.`,
        { code: 'CHECKPOINT_MISMATCH' },
      );
    }
  }
}
