import * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';

import { CheckpointError, GanForgeError, SizeLimitError } from '../errors.js';
import { registerGanForgeLayers } from '../models/register-layers.js';
import { type CheckpointLimits, resolveCheckpointLimits } from './checkpoint-limits.js';
import { measureJsonExtent } from './json-extent.js';
import { type LoadOrigin, refusal } from './load-refusal.js';
import { describeSchemaIssue } from './schema-issue.js';
import {
  elementCount,
  formatShape,
  nonNegativeSafeIntegerSchema,
  totalSpecBytes,
  type WeightSpec,
  weightSpecsSchema,
} from './weight-specs.js';

/** A model's parts as a tfjs IOHandler's `load()` returns them (`tf.io.ModelArtifacts`), unchecked. */
export interface UntrustedModelArtifacts {
  readonly modelTopology?: unknown;
  readonly weightSpecs?: unknown;
  readonly weightData?: tf.io.WeightData;
}

/** Options of {@link modelFromArtifactsWithinBudget}. */
export interface ModelBudgetOptions {
  /**
   * Names the artifacts in messages: `checkpoint.generator` gives fields such as
   * `checkpoint.generator.weightSpecs[3].shape`. Default `model`, or none when `file` is set
   * (fields then read `modelTopology`, `weightSpecs[3].shape`, `weightData`).
   */
  readonly label?: string;
  /** The file the artifacts were read from (a model.json): errors are then InvalidFileErrors naming it. */
  readonly file?: string;
  /** `maxJsonDepth`, `maxLayers`, `maxTensors` and `maxActivationElements` apply here (see {@link CheckpointLimits}). */
  readonly limits?: Partial<CheckpointLimits>;
  /** How a limit's option is named in a SizeLimitError. Default: `the limits.<key> option`. */
  readonly describeLimitOption?: (key: keyof CheckpointLimits) => string;
}

const topologySchema = v.looseObject({
  class_name: v.pipe(v.string(), v.minLength(1, 'a layer class name')),
  config: v.looseObject({}),
});

/**
 * Builds a tfjs layers model from untrusted artifacts (a checkpoint's model, a downloaded
 * model.json and its weights) without ever allocating more than its weights justify, then loads the
 * weights into it.
 *
 * Checks, in order, before anything is allocated: the weight specs (names unique, shapes arrays of
 * non-negative safe integers, dtype float32/int32/bool, optionally quantized), the weight data's
 * byte length against the specs (elements x bytes per element), the topology's JSON nesting depth
 * and layer count against `limits`. Then it builds the model with every layer's `addWeight`
 * guarded: a weight the topology asks for must have the shape and dtype of a not yet used weight
 * spec, else the build stops before that weight's initializer runs (a hostile "Dense units 1e9"
 * never reaches tfjs's allocator). Initializers are replaced by zeros, since the loaded weights
 * overwrite them. Each layer's output for one example must stay within
 * `limits.maxActivationElements` (a weightless UpSampling2D of size 1e5 would make `predict`
 * allocate gigabytes). Finally every model weight must have a spec of the same name, shape and dtype
 * (and every spec a model weight) before the values are written. On any failure everything built
 * is disposed: `tf.memory().numTensors` is unchanged.
 *
 * @param artifacts `modelTopology` (tfjs/Keras JSON, optionally wrapped in `model_config`),
 *   `weightSpecs` (a weights manifest's entries, in weight-data order) and `weightData` (one
 *   ArrayBuffer or a list of shards).
 * @returns the model, with the weights loaded (not compiled).
 * @throws CheckpointError code `CHECKPOINT_HEADER` (a malformed field, or a topology tfjs cannot
 *   build) or `CHECKPOINT_MISMATCH` (weights do not fit the topology), naming the field, expected
 *   and received; {@link InvalidFileError} instead of both when `options.file` is set;
 *   {@link SizeLimitError} when the topology exceeds `limits.maxJsonDepth`, `limits.maxLayers` or
 *   `limits.maxActivationElements`.
 *
 * @example
 * ```ts
 * const handler = tf.io.fromMemory(modelJson.modelTopology, weightSpecs, weightData);
 * const model = await modelFromArtifactsWithinBudget(await handler.load(), { file: 'model/model.json' });
 * ```
 */
export async function modelFromArtifactsWithinBudget(
  artifacts: UntrustedModelArtifacts,
  options: ModelBudgetOptions = {},
): Promise<tf.LayersModel> {
  const fields = fieldNames(options);
  const origin: LoadOrigin = options.file === undefined ? { kind: 'checkpoint' } : { kind: 'file', path: options.file };
  const limits = resolveCheckpointLimits(options.limits);
  const limitOption = options.describeLimitOption ?? ((key) => `the limits.${key} option`);
  if (artifacts === null || typeof artifacts !== 'object') {
    throw refusal(
      origin,
      'CHECKPOINT_HEADER',
      fields.label || 'artifacts',
      'model artifacts (topology, weight specs, weight data)',
      String(artifacts),
    );
  }

  const specs = parseWeightSpecs(artifacts.weightSpecs ?? [], fields.weightSpecs, origin);
  if (specs.length > limits.maxTensors) {
    throw new SizeLimitError(fields.weightSpecs, limits.maxTensors, specs.length, 'tensors', limitOption('maxTensors'));
  }
  const data = weightDataWithinSpecs(artifacts.weightData, specs, fields, origin);
  const topology = checkedTopology(artifacts.modelTopology, fields.topology, origin, limits, limitOption);

  registerGanForgeLayers();
  const model = await buildWithinBudget(topology, specs, fields.topology, origin);
  try {
    assertActivationsWithinLimit(model, fields.topology, limits, limitOption);
    assignWeightsByName(model, specs, data, fields, origin);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Parses a weights manifest's entries; names must be unique, since weights are matched by name. */
export function parseWeightSpecs(value: unknown, field: string, origin: LoadOrigin): WeightSpec[] {
  const parsed = v.safeParse(weightSpecsSchema, value, { abortEarly: true });
  if (!parsed.success) {
    const issue = describeSchemaIssue(field, parsed.issues[0]);
    throw refusal(origin, 'CHECKPOINT_HEADER', issue.field, issue.expected, issue.received);
  }
  const seen = new Set<string>();
  parsed.output.forEach((spec, index) => {
    if (seen.has(spec.name)) {
      throw refusal(
        origin,
        'CHECKPOINT_HEADER',
        `${field}[${index}].name`,
        'a name no other weight has',
        JSON.stringify(spec.name),
      );
    }
    seen.add(spec.name);
  });
  return parsed.output;
}

function weightDataWithinSpecs(
  weightData: tf.io.WeightData | undefined,
  specs: readonly WeightSpec[],
  fields: FieldNames,
  origin: LoadOrigin,
): ArrayBuffer {
  const shards = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
  if (!shards.every((shard) => shard instanceof ArrayBuffer)) {
    throw refusal(origin, 'CHECKPOINT_HEADER', fields.weightData, 'an ArrayBuffer or a list of them', 'another value');
  }
  const received = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
  const expected = totalSpecBytes(specs);
  if (received !== expected) {
    throw refusal(
      origin,
      'CHECKPOINT_MISMATCH',
      fields.weightData,
      `${expected.toLocaleString('en-US')} bytes (the sizes of the ${specs.length} tensors in ${fields.weightSpecs})`,
      `${received.toLocaleString('en-US')} bytes`,
    );
  }
  return shards.length === 1 ? shards[0]! : tf.io.concatenateArrayBuffers(shards);
}

function checkedTopology(
  value: unknown,
  field: string,
  origin: LoadOrigin,
  limits: CheckpointLimits,
  limitOption: (key: keyof CheckpointLimits) => string,
): TopologyJson {
  const extent = measureJsonExtent(value, limits.maxJsonDepth);
  if (extent.depth > limits.maxJsonDepth) {
    throw new SizeLimitError(
      `${field}: JSON nesting`,
      limits.maxJsonDepth,
      extent.depth,
      'levels',
      limitOption('maxJsonDepth'),
    );
  }
  if (extent.layers > limits.maxLayers) {
    throw new SizeLimitError(
      `${field}: layer count`,
      limits.maxLayers,
      extent.layers,
      'layers',
      limitOption('maxLayers'),
    );
  }
  // Keras's full-model JSON wraps the architecture in `model_config` (tfjs reads only that part).
  let unwrapped = value;
  let unwrappedField = field;
  if (isPlainObject(value) && isPlainObject(value['model_config'])) {
    unwrapped = value['model_config'];
    unwrappedField = `${field}.model_config`;
  }
  const parsed = v.safeParse(topologySchema, unwrapped, { abortEarly: true });
  if (!parsed.success) {
    const issue = describeSchemaIssue(unwrappedField, parsed.issues[0]);
    throw refusal(origin, 'CHECKPOINT_HEADER', issue.field, issue.expected, issue.received);
  }
  if (!isTopologyJson(unwrapped))
    throw refusal(origin, 'CHECKPOINT_HEADER', unwrappedField, 'an object', 'another value');
  return unwrapped;
}

/** The JSON `tf.models.modelFromJSON` takes as a model topology (tfjs-layers' `PyJsonDict`). */
type TopologyJson = Extract<Parameters<typeof tf.models.modelFromJSON>[0], { modelTopology: unknown }>['modelTopology'];

/** `Layer.prototype.addWeight` (protected in tfjs's types, so typed here from its 4.22 source). */
type AddWeight = (
  this: tf.layers.Layer,
  name: string,
  shape: unknown,
  dtype?: tf.DataType,
  initializer?: unknown,
  regularizer?: unknown,
  trainable?: boolean,
  constraint?: unknown,
) => unknown;

/** The part of tfjs's `LayerVariable` this file uses on variables its guard saw created. */
interface Disposable {
  dispose(): void;
}

function isTopologyJson(value: unknown): value is TopologyJson {
  return isPlainObject(value);
}

function isAddWeight(value: unknown): value is AddWeight {
  return typeof value === 'function';
}

function isDisposable(value: unknown): value is Disposable {
  return value !== null && typeof value === 'object' && typeof Reflect.get(value, 'dispose') === 'function';
}

/**
 * Deserializes the topology with `Layer.prototype.addWeight` guarded. tfjs's `modelFromJSON`
 * builds every layer synchronously before its first `await` (tfjs-layers 4.22, models.ts), so the
 * guard is in place exactly while this model's layers are built and no other code can run then.
 */
function buildWithinBudget(
  topology: TopologyJson,
  specs: readonly WeightSpec[],
  field: string,
  origin: LoadOrigin,
): Promise<tf.LayersModel> {
  const available = new Map<string, number>();
  for (const spec of specs) {
    const key = budgetKey(spec.shape, spec.dtype);
    available.set(key, (available.get(key) ?? 0) + 1);
  }
  const created: Disposable[] = [];
  const prototype = tf.layers.Layer.prototype;
  const original = Object.getOwnPropertyDescriptor(prototype, 'addWeight');
  const originalAddWeight = original?.value;
  if (!original || !isAddWeight(originalAddWeight)) {
    throw new CheckpointError(
      'tfjs has no Layer.prototype.addWeight to guard; this tfjs version is not supported for untrusted models.',
    );
  }
  const zeros = tf.initializers.zeros();
  const guarded: AddWeight = function (
    this: tf.layers.Layer,
    name,
    shape,
    dtype,
    _initializer,
    regularizer,
    trainable,
    constraint,
  ) {
    const where = `${field} (layer '${this.name}', weight '${name}')`;
    const shapeCheck = v.safeParse(v.array(nonNegativeSafeIntegerSchema), shape);
    if (!shapeCheck.success) {
      throw refusal(origin, 'CHECKPOINT_HEADER', where, 'a shape of non-negative integers', `shape ${String(shape)}`);
    }
    const key = budgetKey(shapeCheck.output, dtype ?? 'float32');
    const left = available.get(key) ?? 0;
    if (left === 0) {
      throw refusal(
        origin,
        'CHECKPOINT_MISMATCH',
        where,
        'a weight whose shape and dtype one of the stored weights has',
        `a request for ${formatShape(shapeCheck.output)} ${dtype ?? 'float32'} (${elementCount(shapeCheck.output).toLocaleString('en-US')} elements), which no unused stored weight has`,
        'The topology does not match its weights: the file is damaged or was made to exhaust memory.',
      );
    }
    available.set(key, left - 1);
    const variable = originalAddWeight.call(this, name, shape, dtype, zeros, regularizer, trainable, constraint);
    if (isDisposable(variable)) created.push(variable);
    return variable;
  };
  let pending: Promise<tf.LayersModel>;
  Object.defineProperty(prototype, 'addWeight', { ...original, value: guarded });
  try {
    pending = tf.models.modelFromJSON({ modelTopology: topology });
  } finally {
    Object.defineProperty(prototype, 'addWeight', original);
  }
  return pending.then(
    (model) => {
      // If a later tfjs built layers after an await, they were built unguarded: refuse loudly.
      const guardedWeights = new Set<unknown>(created);
      if (!model.weights.every((weight) => guardedWeights.has(weight))) {
        model.dispose();
        throw new CheckpointError(
          `${field}: tfjs built this model's weights outside GANForge's allocation guard; this tfjs version is not supported for untrusted models.`,
        );
      }
      return model;
    },
    (error: unknown) => {
      for (const variable of created) variable.dispose();
      if (error instanceof GanForgeError) throw error;
      throw refusal(
        origin,
        'CHECKPOINT_HEADER',
        field,
        'a tfjs layers model topology',
        `one tfjs cannot build (${error instanceof Error ? error.message : String(error)})`,
      );
    },
  );
}

// A layer without weights (UpSampling2D size 1e5, RepeatVector n 1e9) can still make predict()
// allocate gigabytes; its output shape is known once the model is built.
function assertActivationsWithinLimit(
  model: tf.LayersModel,
  field: string,
  limits: CheckpointLimits,
  limitOption: (key: keyof CheckpointLimits) => string,
): void {
  for (const layer of model.layers) {
    // Every call of the layer (its inbound nodes), since a shared layer's outputs may differ.
    for (const node of layer.inboundNodes) {
      const shapes: unknown[] = node.outputShapes.some(Array.isArray) ? node.outputShapes : [node.outputShapes];
      for (const shape of shapes) {
        if (!Array.isArray(shape)) continue;
        const fixed = shape.slice(1).filter((size): size is number => typeof size === 'number');
        const elements = elementCount(fixed);
        if (elements > limits.maxActivationElements) {
          throw new SizeLimitError(
            `${field}: output of layer '${layer.name}' (${formatShape(shape)})`,
            limits.maxActivationElements,
            elements,
            'elements per example',
            limitOption('maxActivationElements'),
          );
        }
      }
    }
  }
}

function assignWeightsByName(
  model: tf.LayersModel,
  specs: readonly WeightSpec[],
  data: ArrayBuffer,
  fields: FieldNames,
  origin: LoadOrigin,
): void {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  for (const weight of model.weights) {
    const spec = byName.get(weight.originalName);
    const field = fields.weightSpecs;
    const wanted = `${formatShape(weight.shape)} ${weight.dtype}`;
    if (!spec) {
      throw refusal(
        origin,
        'CHECKPOINT_MISMATCH',
        field,
        `a weight named '${weight.originalName}' (${wanted}), which the model has`,
        'no weight of that name',
      );
    }
    if (!tf.util.arraysEqual(spec.shape, weight.shape as number[]) || spec.dtype !== weight.dtype) {
      throw refusal(
        origin,
        'CHECKPOINT_MISMATCH',
        `${field} '${weight.originalName}'`,
        wanted,
        `${formatShape(spec.shape)} ${spec.dtype}`,
      );
    }
    byName.delete(weight.originalName);
  }
  const extra = byName.values().next();
  if (!extra.done) {
    throw refusal(
      origin,
      'CHECKPOINT_MISMATCH',
      `${fields.weightSpecs} '${extra.value.name}'`,
      `only the ${model.weights.length} weights the model has`,
      'a weight the model has no place for',
    );
  }
  const decoded = tf.io.decodeWeights(data, [...specs]);
  try {
    for (const weight of model.weights) weight.write(decoded[weight.originalName]!);
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

interface FieldNames {
  readonly label: string;
  readonly topology: string;
  readonly weightSpecs: string;
  readonly weightData: string;
}

// A checkpoint's model reads `checkpoint.generator.topology`; a model.json's fields are named as
// in the file (`modelTopology`, `weightSpecs` for its manifest's entries) unless a label is given.
function fieldNames(options: ModelBudgetOptions): FieldNames {
  const label = options.label ?? (options.file === undefined ? 'model' : '');
  const field = (name: string) => (label === '' ? name : `${label}.${name}`);
  return {
    label,
    topology: field(options.file === undefined ? 'topology' : 'modelTopology'),
    weightSpecs: field('weightSpecs'),
    weightData: field('weightData'),
  };
}

function budgetKey(shape: readonly number[], dtype: string): string {
  return `${dtype}[${shape.join(',')}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
