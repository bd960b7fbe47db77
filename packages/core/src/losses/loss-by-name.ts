import { InvalidArgumentError } from '../errors.js';
import type { AdversarialLoss } from './adversarial-loss.js';
import { hingeLoss } from './hinge-loss.js';
import { leastSquaresLoss } from './least-squares-loss.js';
import { minimaxLoss } from './minimax-loss.js';
import { nonSaturatingLoss } from './non-saturating-loss.js';
import { wassersteinLoss } from './wasserstein-loss.js';

export const adversarialLossNames = ['minimax', 'non-saturating', 'least-squares', 'wasserstein', 'hinge'] as const;
export type AdversarialLossName = (typeof adversarialLossNames)[number];

/** Makes a built-in loss from its `name` and `config` (as stored in a checkpoint or given on a command line). */
export function lossByName(name: string, config: Readonly<Record<string, number>> = {}): AdversarialLoss {
  switch (name) {
    case 'minimax':
      return minimaxLoss({ labelSmoothing: config['labelSmoothing'] ?? 0 });
    case 'non-saturating':
      return nonSaturatingLoss({ labelSmoothing: config['labelSmoothing'] ?? 0 });
    case 'least-squares':
      return leastSquaresLoss();
    case 'wasserstein':
      return wassersteinLoss();
    case 'hinge':
      return hingeLoss();
    default:
      throw new InvalidArgumentError('loss', `one of ${adversarialLossNames.join(', ')}`, name);
  }
}
