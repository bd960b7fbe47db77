import * as v from 'valibot';

import { describeSchemaIssue } from '../checkpoint/schema-issue.js';
import { totalSpecBytes, weightSpecSchema } from '../checkpoint/weight-specs.js';
import { InvalidFileError } from '@ganforge/core';

const finite = v.pipe(v.number(), v.finite());

// The checkpoint's weight-spec schema, plus what tfjs-core 4.22 io_utils.ts `decodeWeight` needs of a
// quantized weight (else it throws an untyped error after the model is built): uint8/uint16 carry a
// finite scale and min and dequantize into float32 or int32; float16 only into float32.
const weightSchema = v.pipe(
  weightSpecSchema,
  v.check(
    (weight) =>
      weight.quantization === undefined ||
      (weight.quantization.dtype === 'float16'
        ? weight.dtype === 'float32'
        : weight.dtype !== 'bool' &&
          Number.isFinite(weight.quantization.scale) &&
          Number.isFinite(weight.quantization.min)),
    'a quantization tfjs decodes: uint8/uint16 with a finite scale and min for float32 or int32 weights, float16 for float32 weights',
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
 * [{ name, shape: non-negative safe integers, dtype: float32 | int32 | bool,
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
  const parsed = v.safeParse(tfjsModelJsonSchema, json, { abortEarly: true });
  if (parsed.success) return parsed.output;
  const issue = describeSchemaIssue('model.json', parsed.issues[0]);
  throw new InvalidFileError(
    path,
    `a tfjs layers model.json whose ${issue.field} is ${issue.expected}`,
    issue.received,
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
  const total = totalSpecBytes(weights);
  if (!Number.isSafeInteger(total)) {
    throw new InvalidFileError(
      path,
      'weights whose total size is at most 2^53 - 1 bytes',
      'shapes whose elements add up to more',
    );
  }
  return total;
}
