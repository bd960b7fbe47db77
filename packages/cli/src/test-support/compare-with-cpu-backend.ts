import { type NodeBackendName, useBackend } from '@ganforge/backend-node';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

import type { BackendCase, CaseResult } from './every-model-cases.js';

/** How far a backend may be from `cpu`, relative to the `cpu` figure (see the test files for why). */
export interface Tolerance {
  /** |value - cpu| <= relative * |cpu| + absolute, for every named value. */
  readonly relative: number;
  readonly absolute: number;
  /** |gradient - cpu gradient| <= gradient * |cpu gradient| (Euclidean norms of the whole vector). */
  readonly gradient: number;
}

const cpuResults = new Map<string, Promise<CaseResult>>();

/** Runs a case on one backend, chosen the way the CLI chooses it (`useBackend`), and frees its tensors. */
export async function runOn(backend: NodeBackendName, backendCase: BackendCase): Promise<CaseResult> {
  await useBackend({ backend, log: false });
  // Everything the case makes (models, data, results) is freed when it ends: results are plain numbers.
  tf.engine().startScope();
  try {
    return await backendCase.run();
  } catch (error) {
    throw new Error(`${backendCase.name} failed on ${backend}: ${String(error)}`, { cause: error });
  } finally {
    tf.engine().endScope();
    tf.disposeVariables();
  }
}

function norm(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return Math.sqrt(sum);
}

/** What the comparison found, for the test's message and for choosing tolerances. */
export interface Comparison {
  readonly worstValueError: number;
  readonly gradientError?: number;
  readonly gradientNorm?: number;
}

/**
 * Runs `backendCase` on `backend` and on `cpu` (tfjs's plain-JS reference kernels; computed once per
 * case) and expects every value and the gradient to agree within `tolerance`.
 */
export async function expectMatchesCpu(
  backend: NodeBackendName,
  backendCase: BackendCase,
  tolerance: Tolerance,
): Promise<Comparison> {
  let reference = cpuResults.get(backendCase.name);
  if (reference === undefined) {
    reference = runOn('cpu', backendCase);
    cpuResults.set(backendCase.name, reference);
  }
  const expected = await reference;
  const actual = await runOn(backend, backendCase);
  const label = `${backendCase.name} on ${backend}`;
  expect(Object.keys(actual.values), `${label}: values`).toEqual(Object.keys(expected.values));
  let worstValueError = 0;
  for (const [name, want] of Object.entries(expected.values)) {
    const got = actual.values[name]!;
    expect(Number.isFinite(want), `${label}: cpu ${name} is ${want}`).toBe(true);
    const error = Math.abs(got - want);
    worstValueError = Math.max(
      worstValueError,
      Number.isNaN(error) ? Infinity : error / Math.max(Math.abs(want), 1e-12),
    );
    expect(error, `${label}: ${name} ${got}, cpu ${want}`).toBeLessThanOrEqual(
      tolerance.relative * Math.abs(want) + tolerance.absolute,
    );
  }
  if (expected.gradient === undefined) {
    expect(actual.gradient, `${label}: gradient`).toBeUndefined();
    return { worstValueError };
  }
  const gradient = actual.gradient!;
  expect(gradient.length, `${label}: gradient size`).toBe(expected.gradient.length);
  const difference = gradient.map((value, index) => value - expected.gradient![index]!);
  const gradientNorm = norm(expected.gradient);
  // A loss that reaches no weight would make the comparison vacuous.
  expect(gradientNorm, `${label}: cpu gradient norm`).toBeGreaterThan(0);
  const gradientError = norm(difference) / gradientNorm;
  expect(
    gradientError,
    `${label}: |gradient - cpu| / |cpu| (gradient norm ${norm(gradient)}, cpu ${gradientNorm})`,
  ).toBeLessThanOrEqual(tolerance.gradient);
  return { worstValueError, gradientError, gradientNorm };
}
