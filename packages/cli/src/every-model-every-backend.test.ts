import { defaultNodeAdapters, type NodeBackendName } from '@ganforge/backend-node';
import { afterAll, describe, expect, it } from 'vitest';

import { expectMatchesCpu, type Comparison, type Tolerance } from './test-support/compare-with-cpu-backend.js';
import { everyModelCases } from './test-support/every-model-cases.js';

// Every shipped model, encoder, loss and metric, forward and (where it trains) backward, on every
// Node backend useBackend() can pick here except WebGPU (every-model-every-backend.webgpu.test.ts,
// slow on a software Vulkan driver), compared with tfjs's `cpu` backend: the plain-JS reference
// kernels. A kernel missing on a backend fails its rows with tfjs's "not registered" error; a wrong
// kernel fails the comparison.
//
// Tolerance: both backends compute in float32 and differ only in summation order and fused
// operations (XNNPACK's FMA and blocked GEMM), which moves each result by a few ulps (~1e-7
// relative). Measured over all rows here: values within 6e-6 relative, gradients within 3.4e-4
// (SRResNet, whose batch norm over 2 samples divides by small batch variances and so amplifies
// rounding). The bounds below leave 10-15x room and stay far below what a wrong kernel gives (a
// dropped term, a transposed operand or a wrong padding moves a loss or a gradient by tens of
// percent; the webgpu Cast bug this table found gave a loss of 5.2 instead of 2.0).
const tolerance: Tolerance = { relative: 1e-4, absolute: 1e-7, gradient: 5e-3 };

// tfjs-node(-gpu) join this list where they are installed; WebGPU has its own file.
const candidates = defaultNodeAdapters().filter((adapter) => adapter.name !== 'cpu' && adapter.name !== 'webgpu');
const available: NodeBackendName[] = [];
for (const adapter of candidates) {
  if (await adapter.isAvailable()) available.push(adapter.name as NodeBackendName);
}

const largest: Record<string, Comparison> = {};

describe('every model, encoder, loss and metric on every Node backend, against cpu', () => {
  it('covers wasm, the backend useBackend() picks on a machine without libtensorflow or a GPU', () => {
    expect(available).toContain('wasm');
  });

  describe.each(available)('%s', (backend) => {
    it.each(everyModelCases.map((backendCase) => [`${backendCase.kind}: ${backendCase.name}`, backendCase] as const))(
      '%s',
      async (_, backendCase) => {
        largest[`${backend} ${backendCase.name}`] = await expectMatchesCpu(backend, backendCase, tolerance);
      },
    );
  });

  afterAll(() => {
    if (process.env['GANFORGE_PRINT_BACKEND_ERRORS']) console.table(largest);
  });
});
