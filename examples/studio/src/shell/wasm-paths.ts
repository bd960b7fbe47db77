import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * Where tfjs-backend-wasm finds its three `.wasm` files: Vite hashes asset names, so each file gets
 * its own absolute URL (pass as `wasmPaths` to `useBackend` in a worker).
 */
export function wasmPaths(): Record<string, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL(wasmUrl, location.href).href,
    'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, location.href).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimdUrl, location.href).href,
  };
}
