import type * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';

/** A non-negative integer that a double holds exactly (a shape dimension, a byte offset). */
export const nonNegativeSafeIntegerSchema = v.pipe(
  v.number(),
  v.safeInteger('an integer (at most 2^53 - 1)'),
  v.minValue(0, 'a non-negative integer'),
);

/** Dtypes a tfjs layers model stores in its weights (tfjs-core `DataType`, minus string and complex64). */
export const weightDtypes = ['float32', 'int32', 'bool'] as const;

/** Bytes per stored element of each dtype (tfjs-core `io.DTYPE_VALUE_SIZE_MAP`). */
const bytesPerElement = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 } as const;

const weightSpecEntries = {
  name: v.pipe(v.string(), v.minLength(1, 'a non-empty weight name')),
  shape: v.array(nonNegativeSafeIntegerSchema),
  dtype: v.picklist(weightDtypes),
};

/**
 * A tensor spec as GANForge checkpoints store them: name, shape and dtype (never quantized; any
 * other key is dropped, so the bytes are always read as `dtype`).
 */
export const plainWeightSpecSchema = v.object(weightSpecEntries);

/**
 * One entry of a tfjs weights manifest (`tf.io.WeightsManifestEntry`): name, shape, dtype and,
 * for converter-quantized weights, the stored dtype and its dequantization constants.
 */
export const weightSpecSchema = v.object({
  ...weightSpecEntries,
  quantization: v.optional(
    v.looseObject({
      dtype: v.picklist(['uint8', 'uint16', 'float16']),
      min: v.optional(v.number()),
      scale: v.optional(v.number()),
    }),
  ),
});

export const weightSpecsSchema = v.array(weightSpecSchema);

export type WeightSpec = v.InferOutput<typeof weightSpecSchema>;

/** Elements of a shape, or Infinity when the product exceeds 2^53 (no real tensor is that large). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dimension of shape) {
    count *= dimension;
    if (count > Number.MAX_SAFE_INTEGER) return Infinity;
  }
  return count;
}

/** Bytes a spec's tensor occupies in the weight data (its stored dtype: quantized or not). */
export function specByteLength(spec: WeightSpec | tf.io.WeightsManifestEntry): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const size = bytesPerElement[stored as keyof typeof bytesPerElement] ?? Infinity;
  return elementCount(spec.shape) * size;
}

/** Bytes of all specs' tensors together (Infinity when it exceeds 2^53). */
export function totalSpecBytes(specs: readonly (WeightSpec | tf.io.WeightsManifestEntry)[]): number {
  let total = 0;
  for (const spec of specs) total += specByteLength(spec);
  return total > Number.MAX_SAFE_INTEGER ? Infinity : total;
}

/** A shape as written in messages: `[3, 8]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map(String).join(', ')}]`;
}
