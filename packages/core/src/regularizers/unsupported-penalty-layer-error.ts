import { GanForgeError } from '../errors.js';

/**
 * A gradient penalty (WGAN-GP, R1) was configured with a discriminator that has a layer or activation
 * whose second-order gradient tfjs cannot compute correctly. The penalty would train on a wrong
 * gradient without saying so, so it is refused. The message names the layer, its class and what to
 * use instead.
 */
export class UnsupportedPenaltyLayerError extends GanForgeError {
  /** The layer's name in the model (`layer.name`). */
  readonly layer: string;
  /** The layer's tfjs class name, e.g. `MaxPooling2D`, or `Dense` for an unsupported activation. */
  readonly className: string;
  /** The regularizer that refused it, e.g. `gradient-penalty`. */
  readonly regularizer: string;

  constructor(regularizer: string, layer: string, className: string, reason: string) {
    super(
      'UNSUPPORTED_PENALTY_LAYER',
      `${regularizer}: the discriminator's layer '${layer}' (${className}) ${reason}, so the penalty's gradient ` +
        `cannot be trusted. Replace it (see the supported layers in the docs of gradientPenalty / r1Penalty), or, for ` +
        `a layer of your own that you have checked, pass its class name in the penalty's \`allowLayers\` option.`,
    );
    this.layer = layer;
    this.className = className;
    this.regularizer = regularizer;
  }
}
