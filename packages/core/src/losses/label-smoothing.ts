import { assertNumberInRange } from '../tensor-checks.js';

/**
 * Options of the cross-entropy losses.
 * `labelSmoothing`: one-sided label smoothing (Salimans et al. 2016, sec. 3.4): the discriminator's
 * target for real samples is `1 - labelSmoothing`; fake targets stay 0.
 */
export interface CrossEntropyLossOptions {
  labelSmoothing?: number;
}

export function realTargetFrom(options: CrossEntropyLossOptions | undefined): number {
  const smoothing = options?.labelSmoothing ?? 0;
  assertNumberInRange(smoothing, 0, 0.5, 'options.labelSmoothing');
  return 1 - smoothing;
}
