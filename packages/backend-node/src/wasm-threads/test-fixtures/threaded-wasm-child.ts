// Run by threaded-wasm-backend.test.ts in a child process: starts the wasm backend with the thread
// count given as argv[2], trains a little, prints one JSON line and returns without process.exit,
// so the parent sees whether the pthread workers let the process end by itself.
import { useBackend } from '@ganforge/backend-node';
import * as tf from '@tensorflow/tfjs';

const info = await useBackend({ backend: 'wasm', threads: Number(process.argv[2]), log: false });
const x = tf.randomNormal<tf.Rank.R4>([4, 16, 16, 8], 0, 1, 'float32', 1);
const w = tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, 8, 16], 0, 0.1, 'float32', 2));
const { value } = tf.variableGrads(() => tf.conv2d(x, w, 2, 'same').square().mean() as tf.Scalar);
const backend = tf.backend() as unknown as { wasm: { PThread?: { runningWorkers: unknown[] } } };
console.log(
  JSON.stringify({
    threads: info.threads,
    device: info.device,
    runningWorkers: backend.wasm.PThread?.runningWorkers.length ?? 0,
    loss: value.dataSync()[0],
  }),
);
