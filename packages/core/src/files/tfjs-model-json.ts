import * as v from 'valibot';

import { InvalidFileError } from '../errors.js';

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const finite = v.pipe(v.number(), v.finite());

/** Bytes per stored element: tfjs-core 4.22 `DTYPE_VALUE_SIZE_MAP` (io/types.ts). */
const bytesPerElement = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 } as const;

// tfjs-core 4.22 io_utils.ts `decodeWeight`: uint8/uint16 dequantize with scale and min into float32
// or int32; float16 only into float32.
const quantizationSchema = v.variant('dtype', [
  v.object({ dtype: v.picklist(['uint8', 'uint16']), scale: finite, min: finite }),
  v.object({ dtype: v.literal('float16') }),
]);

const weightSchema = v.pipe(
  v.object({
    name: v.pipe(v.string(), v.minLength(1)),
    shape: v.array(count),
    // 'string' weights (variable-length) exist in tfjs but never in a layers model; refused.
    dtype: v.picklist(['float32', 'int32', 'bool', 'complex64']),
    group: v.optional(v.picklist(['model', 'optimizer'])),
    quantization: v.optional(quantizationSchema),
  }),
  v.check(
    (weight) =>
      weight.quantization === undefined ||
      weight.dtype === 'float32' ||
      (weight.dtype === 'int32' && weight.quantization.dtype !== 'float16'),
    'quantization uint8/uint16 of float32 or int32 weights, float16 of float32 weights (as tfjs decodes them)',
  ),
);

const weightsGroupSchema = v.object({
  paths: v.array(v.string()),
  weights: v.array(weightSchema),
});

// Any JSON value but null (tfjs types userDefinedMetadata's values as `{}`).
const jsonValueButNull = v.union([
  v.string(),
  v.number(),
  v.boolean(),
  v.array(v.unknown()),
  v.record(v.string(), v.unknown()),
]);

const nameMap = v.record(v.string(), v.string());

// tfjs-layers 4.22 `TrainingConfig` (keras/training_config.ts), as model.compile() writes it.
const trainingConfigSchema = v.object({
  optimizer_config: v.record(v.string(), v.unknown()),
  loss: v.union([v.string(), v.array(v.string()), nameMap]),
  metrics: v.optional(v.union([v.array(v.string()), nameMap])),
  weighted_metrics: v.optional(v.array(v.string())),
  sample_weight_mode: v.optional(v.string()),
  loss_weights: v.optional(v.union([v.array(finite), v.record(v.string(), finite)])),
});

/**
 * The `model.json` of a tfjs layers model (tfjs-core 4.22 `ModelJSON`), as GANForge accepts it:
 * `modelTopology` an object; `weightsManifest` (optional) groups of `{ paths: string[], weights:
 * [{ name, shape: non-negative safe integers, dtype: float32 | int32 | bool | complex64,
 * quantization? }] }`. Unknown top-level fields are dropped.
 */
export const tfjsModelJsonSchema = v.object({
  modelTopology: v.record(v.string(), v.unknown()),
  format: v.nullish(v.string()),
  generatedBy: v.nullish(v.string()),
  convertedBy: v.nullish(v.string()),
  weightsManifest: v.optional(v.array(weightsGroupSchema)),
  trainingConfig: v.nullish(trainingConfigSchema),
  userDefinedMetadata: v.nullish(v.record(v.string(), jsonValueButNull)),
});

/** A parsed tfjs layers `model.json`; see {@link tfjsModelJsonSchema}. */
export type TfjsModelJson = v.InferOutput<typeof tfjsModelJsonSchema>;

/** One weight of a parsed manifest. */
export type TfjsWeightSpec = v.InferOutput<typeof weightSchema>;

/**
 * Parses a model.json's text (already size-checked) into a {@link TfjsModelJson}.
 *
 * @param text the file's text.
 * @param path the file, named in errors.
 * @throws InvalidFileError naming the first field that does not fit (its JSON path, expected and received),
 *   or that the text is not JSON.
 */
export function parseTfjsModelJson(text: string, path: string): TfjsModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InvalidFileError(
      path,
      'a tfjs layers model.json (JSON text)',
      `text that is not JSON (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
  const parsed = v.safeParse(tfjsModelJsonSchema, json);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const field = v.getDotPath(issue) ?? 'its top level';
  throw new InvalidFileError(
    path,
    `a tfjs layers model.json whose ${field} is ${issue.expected ?? issue.message}`,
    issue.expected === null ? `${issue.received} there` : issue.received,
  );
}

/**
 * The bytes the weights of a manifest occupy in its shards: for each weight, its element count
 * times the bytes of its stored dtype (the quantized dtype when quantized; sizes of tfjs-core 4.22
 * `DTYPE_VALUE_SIZE_MAP`).
 *
 * @throws InvalidFileError when the total is not a safe integer (a shape of absurd size).
 */
export function manifestWeightBytes(weights: readonly TfjsWeightSpec[], path: string): number {
  let total = 0;
  for (const weight of weights) {
    let elements = 1;
    for (const size of weight.shape) elements *= size;
    total += elements * bytesPerElement[weight.quantization?.dtype ?? weight.dtype];
    if (!Number.isSafeInteger(total)) {
      throw new InvalidFileError(
        path,
        'weights whose total size is at most 2^53 - 1 bytes',
        `the weight '${weight.name}' of shape [${weight.shape.join(', ')}], which takes the total beyond that`,
      );
    }
  }
  return total;
}
