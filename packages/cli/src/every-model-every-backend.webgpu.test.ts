import { describe, it } from 'vitest';

import { expectMatchesCpu, type Comparison, type Tolerance } from './test-support/compare-with-cpu-backend.js';
import { everyModelCases } from './test-support/every-model-cases.js';

// The WebGPU column of every-model-every-backend.test.ts: every shipped model, encoder, loss and
// metric on WebGPU through Dawn, against tfjs's `cpu` backend. On a machine without a GPU, Dawn runs
// on SwiftShader, the software Vulkan driver of Debian's chromium package (the test command
// installs it); useBackend() picks that adapter only when 'webgpu' is asked for by name, as here.
process.env['VK_ICD_FILENAMES'] ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

// Tolerance: WebGPU computes in float32 like cpu but tiles its reductions differently. Measured
// over all rows on SwiftShader: values within 6e-6 relative, gradients within 4.9e-4 (SRResNet's
// batch norm over 2 samples amplifies rounding). Same bounds as the wasm column, 10-15x above that.
const tolerance: Tolerance = { relative: 1e-4, absolute: 1e-7, gradient: 5e-3 };

const largest: Record<string, Comparison> = {};

describe('every model, encoder, loss and metric on WebGPU (Dawn), against cpu', () => {
  it.each(everyModelCases.map((backendCase) => [`${backendCase.kind}: ${backendCase.name}`, backendCase] as const))(
    '%s',
    async (_, backendCase) => {
      largest[backendCase.name] = await expectMatchesCpu('webgpu', backendCase, tolerance);
      if (process.env['GANFORGE_PRINT_BACKEND_ERRORS']) console.log(backendCase.name, largest[backendCase.name]);
    },
    // Software Vulkan is slow: VGG19 up to block5 takes minutes here.
    600_000,
  );
});
