import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  allShapeDescriptions,
  captionedShapes,
  combinationIndex,
  defaultHeldOutPairs,
  describeShape,
  isHeldOutPair,
  renderShape,
  shapeAttributes,
  type ShapeDescription,
} from './captioned-shapes.js';

const describe_ = (values: Record<keyof typeof shapeAttributes, string>): ShapeDescription => {
  const entries = Object.entries(values).map(([attribute, value]) => [
    attribute,
    (shapeAttributes[attribute as keyof typeof shapeAttributes] as readonly string[]).indexOf(value),
  ]);
  return Object.fromEntries(entries) as ShapeDescription;
};

/** RGB in 0-255 of pixel (x, y) of a picture rendered in [-1, 1]. */
const pixel = (pixels: Float32Array, size: number, x: number, y: number) =>
  [0, 1, 2].map((c) => Math.round((pixels[(y * size + x) * 3 + c]! + 1) * 127.5));

describe('captioned shapes', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('renders the shape in its colour where it should be, the background elsewhere', () => {
    const random = () => 0.5; // no jitter: centre 16, radius 9 (large), colours exact
    const circle = renderShape(
      describe_({ shape: 'circle', colour: 'red', size: 'large', position: 'center', background: 'black' }),
      32,
      random,
    );
    expect(pixel(circle, 32, 16, 16)).toEqual([220, 40, 40]);
    expect(pixel(circle, 32, 16, 24)).toEqual([220, 40, 40]); // 8.5 px below the centre, inside r = 9
    expect(pixel(circle, 32, 0, 0)).toEqual([10, 10, 10]);
    expect(pixel(circle, 32, 16, 27)).toEqual([10, 10, 10]); // 11.5 px below: outside
    // A small square on the left: centre x = 16 - (16 - 5 - 1.5) = 6.5, half side 5 * 0.85 = 4.25.
    const square = renderShape(
      describe_({ shape: 'square', colour: 'blue', size: 'small', position: 'left', background: 'white' }),
      32,
      random,
    );
    expect(pixel(square, 32, 6, 16)).toEqual([40, 80, 230]);
    expect(pixel(square, 32, 13, 16)).toEqual([245, 245, 245]);
    // Triangle, apex up: the row near the apex is narrower than the row near the base.
    const triangle = renderShape(
      describe_({ shape: 'triangle', colour: 'green', size: 'large', position: 'center', background: 'gray' }),
      32,
      random,
    );
    const covered = (y: number) =>
      Array.from({ length: 32 }, (_, x) => pixel(triangle, 32, x, y)[1]).filter((g) => g === 170).length;
    expect(covered(10)).toBeLessThan(covered(22));
  });

  it('describes a picture with its attribute words, one of five templates', () => {
    const d = describe_({ shape: 'cross', colour: 'yellow', size: 'small', position: 'top', background: 'gray' });
    expect(describeShape(d, 0, () => 0)).toBe('a small yellow cross at the top on a gray background');
    expect(describeShape(d, 3, () => 0.99)).toBe('in the upper part, a yellow plus, tiny, over grey');
    expect(() => describeShape(d, 5, () => 0)).toThrow(/template: expected an integer in \[0, 4\], received 5/);
  });

  it('splits combinations: training never shows a held-out colour-shape pair', () => {
    const all = allShapeDescriptions();
    expect(all).toHaveLength(4 * 5 * 2 * 5 * 3);
    expect(new Set(all.map(combinationIndex)).size).toBe(all.length);
    const train = captionedShapes({ split: 'train', imagesPerCombination: 1, captionsPerImage: 2, size: 8 });
    const heldOut = captionedShapes({ split: 'held-out', imagesPerCombination: 1, captionsPerImage: 1, size: 8 });
    expect(train.descriptions).toHaveLength(600 - 4 * 30);
    expect(heldOut.descriptions).toHaveLength(4 * 30);
    expect(train.descriptions.some((d) => isHeldOutPair(d))).toBe(false);
    expect(heldOut.descriptions.every((d) => isHeldOutPair(d))).toBe(true);
    // Every colour and every shape still appears in training.
    for (const attribute of ['colour', 'shape'] as const) {
      expect(new Set(train.descriptions.map((d) => d[attribute])).size).toBe(shapeAttributes[attribute].length);
    }
    expect(defaultHeldOutPairs.map(([colour, shape]) => `${colour} ${shape}`)).toEqual([
      'red triangle',
      'green circle',
      'blue cross',
      'yellow square',
    ]);
    expect(train.captions).toHaveLength(2 * 480);
    expect(train.imageOfCaption[3]).toBe(1);
    expect(train.captions[0]).toContain(shapeAttributes.colour[train.descriptions[0]!.colour]);
    tf.dispose([train.images, heldOut.images]);
  });

  it('is deterministic for a seed', () => {
    const options = { split: 'held-out', imagesPerCombination: 1, size: 16 } as const;
    const [a, b, c] = [
      captionedShapes({ ...options, seed: 4 }),
      captionedShapes({ ...options, seed: 4 }),
      captionedShapes({ ...options, seed: 5 }),
    ];
    expect(a.captions).toEqual(b.captions);
    expect(Array.from(a.images.dataSync())).toEqual(Array.from(b.images.dataSync()));
    expect(Array.from(a.images.dataSync())).not.toEqual(Array.from(c.images.dataSync()));
    expect(a.images.shape).toEqual([120, 16, 16, 3]);
    tf.dispose([a.images, b.images, c.images]);
  });

  it('names bad options', () => {
    expect(() => captionedShapes({ split: 'test' as never })).toThrow(
      /options.split: expected 'train', 'held-out' or 'all', received "test"/,
    );
    expect(() => captionedShapes({ heldOutPairs: [['pink', 'circle']] })).toThrow(
      /options.heldOutPairs\[0\]: expected a \[colour, shape\] pair of known words, received "pink circle"/,
    );
    expect(() => renderShape({ shape: 9, colour: 0, size: 0, position: 0, background: 0 }, 32, Math.random)).toThrow(
      /description.shape: expected an integer in \[0, 3\], received 9/,
    );
  });
});
