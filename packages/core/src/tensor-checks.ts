import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeMismatchError } from './errors.js';

/** A dimension that must equal a number, or `null` for "any size". */
export type ExpectedDimension = number | null;

function formatShape(expected: readonly ExpectedDimension[]): string {
  return `[${expected.map((dimension) => (dimension === null ? '*' : String(dimension))).join(', ')}]`;
}

/**
 * Throws a {@link ShapeMismatchError} naming `argument` unless `tensor` has the given shape
 * (`null` entries match any size).
 */
export function assertShape(
  tensor: tf.Tensor,
  expected: readonly ExpectedDimension[],
  argument: string,
  hint?: string,
): void {
  assertIsTensor(tensor, argument);
  const matches =
    tensor.rank === expected.length &&
    expected.every((dimension, axis) => dimension === null || tensor.shape[axis] === dimension);
  if (!matches) throw new ShapeMismatchError(argument, formatShape(expected), tensor.shape, hint);
}

/** Throws unless `tensor` has rank `rank`. */
export function assertRank(tensor: tf.Tensor, rank: number, argument: string, hint?: string): void {
  assertShape(tensor, new Array<ExpectedDimension>(rank).fill(null), argument, hint);
}

/** Throws unless `value` is a tf.Tensor (guards JavaScript callers who pass arrays). */
export function assertIsTensor(value: unknown, argument: string): asserts value is tf.Tensor {
  const looksLikeTensor =
    typeof value === 'object' && value !== null && 'shape' in value && 'dtype' in value && 'dataId' in value;
  if (!looksLikeTensor) throw new InvalidArgumentError(argument, 'a tf.Tensor', value);
}

/** Throws unless `value` is a finite number within [min, max]. */
export function assertNumberInRange(
  value: unknown,
  min: number,
  max: number,
  argument: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(argument, `a number in [${min}, ${max}]`, value);
  }
}

/** Throws unless `value` is an integer within [min, max]. */
export function assertInteger(value: unknown, min: number, max: number, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new InvalidArgumentError(argument, `an integer ${range}`, value);
  }
}
