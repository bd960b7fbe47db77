import { InvalidArgumentError } from '@ganforge/core';

/**
 * Throws unless `dilations` is 1 on both axes. tfjs only calls the depthwise gradient kernels with
 * unit dilations (its DepthwiseConv2dNative gradient asserts so), and the composed kernels rely on it.
 *
 * @example
 * ```ts
 * assertUnitDilations('DepthwiseConv2dNativeBackpropInput', [1, 1]); // passes
 * ```
 */
export function assertUnitDilations(kernelName: string, dilations: number | readonly number[] | undefined): void {
  const values = dilations === undefined ? [1, 1] : typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (values.some((value) => value !== 1)) {
    throw new InvalidArgumentError(
      `${kernelName} attrs.dilations`,
      '1 or [1, 1]',
      dilations,
      'The wasm training kernels support dilated depthwise convolutions forward only, as tfjs gradients do.',
    );
  }
}
