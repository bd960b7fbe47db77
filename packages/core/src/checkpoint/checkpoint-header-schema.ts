import * as v from 'valibot';

import { nonNegativeSafeIntegerSchema, plainWeightSpecSchema } from './weight-specs.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON object that is not an array (valibot's `object` and `record` alone accept arrays). */
export const plainObjectSchema = v.custom<Record<string, unknown>>(isPlainObject, 'an object (not an array)');

/** `v.object(entries)` that refuses arrays first. */
function objectOf<TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(plainObjectSchema, v.object(entries));
}

/** Where a blob lies in the payload that follows the header, in bytes from the payload's start. */
export const blobRefSchema = objectOf({ offset: nonNegativeSafeIntegerSchema, length: nonNegativeSafeIntegerSchema });

/** The trainer's seeds are 31-bit (AdversarialTrainer options.seed: an integer in [0, 2^31 - 1]). */
const seedSchema = v.pipe(
  v.number(),
  v.integer('an integer'),
  v.minValue(0, 'an integer from 0 to 2,147,483,647 (2^31 - 1)'),
  v.maxValue(2 ** 31 - 1, 'an integer from 0 to 2,147,483,647 (2^31 - 1)'),
);

/** The fields of a checkpoint, with `blob` as the schema of where bytes are (a ref, or the bytes). */
function checkpointEntries<TBlob extends v.GenericSchema>(blob: TBlob) {
  const model = objectOf({
    topology: plainObjectSchema,
    weightSpecs: v.array(plainWeightSpecSchema),
    weightData: blob,
  });
  const tensors = objectOf({ specs: v.array(plainWeightSpecSchema), data: blob });
  return {
    format: v.literal('ganforge-checkpoint'),
    version: v.literal(1, 'format version 1 (a newer version needs a newer @ganforge/core)'),
    step: nonNegativeSafeIntegerSchema,
    epoch: nonNegativeSafeIntegerSchema,
    batchInEpoch: nonNegativeSafeIntegerSchema,
    seed: seedSchema,
    config: plainObjectSchema,
    metadata: plainObjectSchema,
    generator: model,
    discriminator: model,
    generatorEma: v.optional(tensors),
    optimizers: objectOf({ generator: tensors, discriminator: tensors }),
  };
}

/**
 * The JSON header of a `.gfckpt` file (format version 1). `payloadSha256` (hex SHA-256 of every
 * byte after the header) is absent in files written before GANForge stored checksums.
 */
export const checkpointHeaderSchema = objectOf({
  ...checkpointEntries(blobRefSchema),
  blobBytes: nonNegativeSafeIntegerSchema,
  payloadSha256: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest of 64 hex digits'))),
});

export type CheckpointHeader = v.InferOutput<typeof checkpointHeaderSchema>;

/** A decoded checkpoint object as stores return it and loaders accept it: blobs are ArrayBuffers. */
export const checkpointObjectSchema = objectOf(checkpointEntries(v.instance(ArrayBuffer, 'an ArrayBuffer')));
