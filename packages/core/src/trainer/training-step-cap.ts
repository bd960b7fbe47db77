import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors.js';

/**
 * The environment variable that caps the steps of every GANForge training loop
 * (`AdversarialTrainer.fit` and everything built on it, `trainSrresnet`, `trainJointEmbedding`,
 * `trainAttributeClassifier`). Meant for smoke tests and CI runs of code written for long training:
 * `GANFORGE_MAX_STEPS=3 node train.mjs` runs each loop for at most 3 steps.
 */
export const maxTrainingStepsVariable = 'GANFORGE_MAX_STEPS';

export interface TrainingStepCapOptions {
  /** Where to read {@link maxTrainingStepsVariable}. Default `process.env` where there is one (none in browsers: no cap). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Where the one line about the cap goes. Default `console.error` (keeps stdout for the program's output). */
  readonly log?: (line: string) => void;
}

/**
 * The number of steps a training loop runs in this call, after the `GANFORGE_MAX_STEPS` cap.
 * Each training loop calls it once at its start. With the variable unset (or empty) it returns
 * `requested` unchanged and prints nothing. With it set to `N`, it returns `min(requested, N)`
 * (or `N` when the loop stops by epochs, time or a signal and `requested` is undefined) and prints
 * one line that names the variable, the loop, the steps it runs and the tfjs backend in use, e.g.
 * `[ganforge] GANFORGE_MAX_STEPS=3: AdversarialTrainer.fit runs 3 of its 500 steps (backend: wasm)`.
 * A cap is never silent.
 *
 * @param loop The loop's public name, as a user would search for it (e.g. `'trainSrresnet'`).
 * @param requested The caller's `steps` for this call, or undefined when it gave none.
 * @throws InvalidArgumentError naming `GANFORGE_MAX_STEPS` when it is set but not a positive integer.
 * @example
 * ```ts
 * const steps = capTrainingSteps('trainSrresnet', options.steps);
 * ```
 */
export function capTrainingSteps(loop: string, requested: number, options?: TrainingStepCapOptions): number;
export function capTrainingSteps(
  loop: string,
  requested: number | undefined,
  options?: TrainingStepCapOptions,
): number | undefined;
export function capTrainingSteps(
  loop: string,
  requested: number | undefined,
  options: TrainingStepCapOptions = {},
): number | undefined {
  const environment = options.environment ?? processEnvironment();
  const raw = environment?.[maxTrainingStepsVariable]?.trim();
  if (raw === undefined || raw === '') return requested;
  const cap = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(cap) || cap < 1) {
    throw new InvalidArgumentError(
      maxTrainingStepsVariable,
      'a positive integer (the most steps any training loop runs), or unset for no cap',
      raw,
      `Unset it or set e.g. ${maxTrainingStepsVariable}=3.`,
    );
  }
  const steps = requested === undefined ? cap : Math.min(requested, cap);
  const what =
    requested === undefined
      ? `stops after at most ${cap} steps`
      : requested <= cap
        ? `runs all its ${requested} steps`
        : `runs ${cap} of its ${requested} steps`;
  const log = options.log ?? ((line: string) => console.error(line));
  log(`[ganforge] ${maxTrainingStepsVariable}=${cap}: ${loop} ${what} (backend: ${tf.getBackend()})`);
  return steps;
}

function processEnvironment(): Readonly<Record<string, string | undefined>> | undefined {
  // Core has no platform code: read Node's environment only where a host provides one.
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
}
