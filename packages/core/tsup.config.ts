import { mainEntry } from '../../tsup.shared.js';

// One whole file per entry matters here: index.js registers the PixelShuffle layer and the missing
// gradients, the side effects package.json's `sideEffects` names.
export default mainEntry();
