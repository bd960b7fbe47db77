import * as tf from '@tensorflow/tfjs';

/** The part of tfjs 4.x's engine state that holds the gradient tape (not public API). */
interface TapeState {
  gradientDepth?: unknown;
  activeTape?: { saved?: tf.Tensor[] }[] | null;
}

/**
 * Frees what tfjs kept for the backward pass of a gradient computation that threw. tfjs 4.22
 * saves kept clones of a forward pass's inputs on the engine's tape and disposes them only after a
 * successful backward pass; when the forward or backward pass throws, the next computation replaces
 * the tape and they are never freed (about 60 tensors per failed step of the tiny test models).
 * Does nothing while a gradient computation is still running (depth above 0) or when the engine
 * does not look like tfjs 4.x's.
 */
export function disposeAbandonedGradientTape(): void {
  const state = (tf.engine() as unknown as { state?: TapeState }).state;
  if (!state || state.gradientDepth !== 0 || !Array.isArray(state.activeTape)) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}
