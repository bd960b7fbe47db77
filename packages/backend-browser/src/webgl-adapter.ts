import type { BackendAdapter, BackendInfo } from '@ganforge/core';
import { BackendUnavailableError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';

// Renderers that draw on the CPU. Chromium without a GPU runs SwiftShader behind ANGLE's Vulkan back end
// ("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) ...), SwiftShader driver)"), and that
// context does not always report a major performance caveat, so the renderer's name is checked too.
const softwareRenderers = /SwiftShader|llvmpipe|softpipe|Software Rasterizer|Microsoft Basic Render Driver/i;

type WebGlContext = WebGLRenderingContext | WebGL2RenderingContext;

/** A WebGL context (2, else 1) on a fresh canvas; `hardwareOnly` asks the browser to refuse a slow one. */
function createWebGl(hardwareOnly: boolean): WebGlContext | undefined {
  try {
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : typeof document !== 'undefined'
          ? document.createElement('canvas')
          : undefined;
    const attributes = { failIfMajorPerformanceCaveat: hardwareOnly };
    return (
      (canvas?.getContext('webgl2', attributes) as WebGlContext | null) ??
      (canvas?.getContext('webgl', attributes) as WebGlContext | null) ??
      undefined
    );
  } catch {
    return undefined;
  }
}

/** The renderer's name (unmasked where the browser allows it), e.g. 'ANGLE (NVIDIA, ...)'. */
function rendererName(gl: WebGlContext): string {
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}

/**
 * Whether WebGL here runs on a GPU: a context the browser makes without a major performance caveat,
 * whose renderer is not a known software rasterizer.
 */
function hasHardwareWebGl(): boolean {
  const gl = createWebGl(true);
  return gl !== undefined && !softwareRenderers.test(rendererName(gl));
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
    isAvailable: async () =>
      tf.findBackendFactory('webgl') !== null &&
      (allowSoftware ? createWebGl(false) !== undefined : hasHardwareWebGl()),
    async init(): Promise<BackendInfo> {
      if (createWebGl(false) === undefined) {
        throw new BackendUnavailableError(
          'webgl',
          'no WebGL context could be created here (disabled GPU, or a worker without OffscreenCanvas).',
        );
      }
      const software = !hasHardwareWebGl();
      if (software && !allowSoftware) {
        throw new BackendUnavailableError(
          'webgl',
          "only a software WebGL (a CPU rasterizer such as SwiftShader) is available; force 'webgl' to use it anyway.",
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
