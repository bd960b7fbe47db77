import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

/** Whether a WebGL context can be made here; `hardwareOnly` refuses software rasterizers (SwiftShader). */
function canCreateWebGl(hardwareOnly: boolean): boolean {
  try {
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : typeof document !== 'undefined'
          ? document.createElement('canvas')
          : undefined;
    const attributes = { failIfMajorPerformanceCaveat: hardwareOnly };
    return canvas?.getContext('webgl2', attributes) != null || canvas?.getContext('webgl', attributes) != null;
  } catch {
    return false;
  }
}

export interface WebGlAdapterOptions {
  /**
   * Accept a software WebGL (SwiftShader). Off when `useBackend` chooses by itself, since software
   * WebGL is slower than WASM; on when a caller forces 'webgl'.
   */
  readonly allowSoftware?: boolean;
}

/** tfjs's WebGL backend (bundled with @tensorflow/tfjs); works in pages and, via OffscreenCanvas, in workers. */
export function webglAdapter(options: WebGlAdapterOptions = {}): BackendAdapter {
  const allowSoftware = options.allowSoftware === true;
  return {
    name: 'webgl',
    isAvailable: async () => tf.findBackendFactory('webgl') !== null && canCreateWebGl(!allowSoftware),
    async init(): Promise<BackendInfo> {
      if (!canCreateWebGl(false)) {
        throw new BackendUnavailableError(
          'webgl',
          'no WebGL context could be created here (disabled GPU, or a worker without OffscreenCanvas).',
        );
      }
      const software = !canCreateWebGl(true);
      if (software && !allowSoftware) {
        throw new BackendUnavailableError(
          'webgl',
          "only a software WebGL (major performance caveat) is available; force 'webgl' to use it anyway.",
        );
      }
      // tfjs asks for a context with failIfMajorPerformanceCaveat unless this flag is set.
      if (software) tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
      if (!(await tf.setBackend('webgl')))
        throw new BackendUnavailableError('webgl', 'tfjs could not start its webgl backend.');
      await tf.ready();
      return {
        name: 'webgl',
        device: `WebGL ${tf.env().getNumber('WEBGL_VERSION')}${software ? ' [software]' : ''}`,
        isGpu: !software,
        threads: 0,
      };
    },
  };
}
