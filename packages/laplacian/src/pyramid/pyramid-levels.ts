import { assertInteger, InvalidArgumentError } from '@ganforge/core';

/** Height and width of one pyramid level. */
export type LevelSize = readonly [height: number, width: number];

/**
 * The number of levels an image of this size can have: pyrDown maps a side n to ceil(n / 2), so
 * levels go on until the image is 1 x 1 (28 -> 14 -> 7 -> 4 -> 2 -> 1: 6 levels).
 */
export function maxPyramidLevels(height: number, width: number): number {
  assertInteger(height, 1, Number.MAX_SAFE_INTEGER, 'height');
  assertInteger(width, 1, Number.MAX_SAFE_INTEGER, 'width');
  return 1 + Math.ceil(Math.log2(Math.max(height, width)));
}

/** Asked for more pyramid levels than the image size allows. `code` is 'INVALID_ARGUMENT'. */
export class TooManyPyramidLevelsError extends InvalidArgumentError {
  readonly levels: number;
  readonly maxLevels: number;

  constructor(argument: string, levels: number, height: number, width: number) {
    const maxLevels = maxPyramidLevels(height, width);
    super(
      argument,
      `at most ${maxLevels} levels for a ${height}x${width} image (${pyramidLevelSizes(height, width, maxLevels)
        .map(([h, w]) => `${h}x${w}`)
        .join(' -> ')})`,
      levels,
      'Use fewer levels or a larger image.',
    );
    this.levels = levels;
    this.maxLevels = maxLevels;
  }
}

/**
 * The [height, width] of each level of a pyramid with `levels` levels, finest first.
 *
 * @example
 * ```ts
 * pyramidLevelSizes(28, 28, 3); // [[28, 28], [14, 14], [7, 7]]
 * ```
 */
export function pyramidLevelSizes(height: number, width: number, levels: number): LevelSize[] {
  assertLevels(levels, height, width, 'levels');
  const sizes: LevelSize[] = [[height, width]];
  for (let level = 1; level < levels; level++) {
    const [h, w] = sizes[level - 1]!;
    sizes.push([Math.ceil(h / 2), Math.ceil(w / 2)]);
  }
  return sizes;
}

/** Throws a {@link TooManyPyramidLevelsError} (or an invalid-argument error below 1) for `levels`. */
export function assertLevels(
  levels: unknown,
  height: number,
  width: number,
  argument: string,
): asserts levels is number {
  assertInteger(levels, 1, Number.MAX_SAFE_INTEGER, argument);
  if (levels > maxPyramidLevels(height, width)) throw new TooManyPyramidLevelsError(argument, levels, height, width);
}
