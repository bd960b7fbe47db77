// Preloaded (`node --import`) by report-cli-error.test.ts: takes `Tanh` (which every GRU needs) away
// from the `wasm` backend after its kernels register, so that a real command meets a missing
// kernel at run time on the default backend.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

tf.unregisterKernel('Tanh', 'wasm');
