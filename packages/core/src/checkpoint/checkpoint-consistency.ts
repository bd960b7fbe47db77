import { CheckpointError } from '../errors.js';
import { refusal } from './load-refusal.js';
import { formatShape } from './weight-specs.js';

interface Spec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** The spec lists of a checkpoint, from its header or from a decoded checkpoint object. */
export interface CheckpointSpecLists {
  readonly generator: { readonly weightSpecs: readonly Spec[] };
  readonly discriminator: { readonly weightSpecs: readonly Spec[] };
  readonly generatorEma?: { readonly specs: readonly Spec[] } | undefined;
  readonly optimizers: {
    readonly generator: { readonly specs: readonly Spec[] };
    readonly discriminator: { readonly specs: readonly Spec[] };
  };
}

/**
 * Optimizers keep at most 3 slots per weight (tfjs 4.22: Adam and Adamax 2, centered RMSprop 3,
 * Adadelta 2, Adagrad 1, momentum 1) plus scalar counters.
 */
const maxSlotsPerWeight = 3;

/**
 * Checks that a checkpoint's parts fit each other, from their specs alone: model weight names are
 * unique (weights load by name; `CHECKPOINT_HEADER` otherwise), the EMA has one tensor per generator weight with the same shape
 * and dtype, and every non-scalar optimizer slot has the shape and dtype of the model weight it
 * belongs to (tfjs names slots `<weight name>/<slot>`, e.g. `dense_Dense1/kernel/m`).
 *
 * @throws CheckpointError code `CHECKPOINT_MISMATCH` naming the field, expected and received.
 */
export function assertCheckpointSpecsConsistent(checkpoint: CheckpointSpecLists, root = 'checkpoint'): void {
  for (const model of ['generator', 'discriminator'] as const) {
    const seen = new Set<string>();
    checkpoint[model].weightSpecs.forEach((spec, index) => {
      if (seen.has(spec.name)) {
        throw refusal(
          { kind: 'checkpoint' },
          'CHECKPOINT_HEADER',
          `${root}.${model}.weightSpecs[${index}].name`,
          'a name no other weight has (weights load by name)',
          JSON.stringify(spec.name),
        );
      }
      seen.add(spec.name);
    });
  }

  const generatorSpecs = checkpoint.generator.weightSpecs;
  const ema = checkpoint.generatorEma?.specs;
  if (ema) {
    if (ema.length !== generatorSpecs.length) {
      throw mismatch(
        `${root}.generatorEma.specs`,
        `${generatorSpecs.length} tensors (one per generator weight)`,
        `${ema.length} tensors`,
      );
    }
    ema.forEach((spec, index) => {
      const weight = generatorSpecs[index]!;
      if (!sameShapeAndDtype(spec, weight)) {
        throw mismatch(
          `${root}.generatorEma.specs[${index}]`,
          `${describe(weight)} (the shape of generator weight '${weight.name}')`,
          describe(spec),
        );
      }
    });
  }

  for (const model of ['generator', 'discriminator'] as const) {
    const weights = checkpoint[model].weightSpecs;
    const byName = new Map(weights.map((spec) => [spec.name, spec]));
    const slots = checkpoint.optimizers[model].specs;
    const field = `${root}.optimizers.${model}.specs`;
    const tensorSlots = slots.filter((slot) => slot.shape.length > 0);
    if (tensorSlots.length > maxSlotsPerWeight * weights.length) {
      throw mismatch(
        field,
        `at most ${maxSlotsPerWeight * weights.length} non-scalar slots (${maxSlotsPerWeight} per ${model} weight)`,
        `${tensorSlots.length}`,
      );
    }
    slots.forEach((slot, index) => {
      if (slot.shape.length === 0) return; // iteration counters
      const weight = byName.get(slot.name.slice(0, slot.name.lastIndexOf('/')));
      if (weight) {
        if (!sameShapeAndDtype(slot, weight)) {
          throw mismatch(
            `${field}[${index}] ('${slot.name}')`,
            `${describe(weight)} (the shape of ${model} weight '${weight.name}')`,
            describe(slot),
          );
        }
      } else if (!weights.some((candidate) => sameShapeAndDtype(slot, candidate))) {
        // Slot names follow the trainer's variable names, which tfjs may suffix (`_1`) when other
        // models were built first; then at least the shape must be one of the model's.
        throw mismatch(
          `${field}[${index}] ('${slot.name}')`,
          `the shape and dtype of one of the ${model}'s weights`,
          describe(slot),
        );
      }
    });
  }
}

function sameShapeAndDtype(a: Spec, b: Spec): boolean {
  return (
    a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((size, axis) => size === b.shape[axis])
  );
}

function describe(spec: Spec): string {
  return `${formatShape(spec.shape)} ${spec.dtype}`;
}

function mismatch(field: string, expected: string, received: string): CheckpointError {
  return new CheckpointError(
    `${field}: expected ${expected}, received ${received}. The file is damaged, or its parts come from different models.`,
    { code: 'CHECKPOINT_MISMATCH' },
  );
}
