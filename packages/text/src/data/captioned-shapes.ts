import * as tf from '@tensorflow/tfjs';

import { assertInteger, InvalidArgumentError, seededRandom } from '@ganforge/core';

/** The attributes of a synthetic captioned shape and their values, in index order. */
export const shapeAttributes = {
  shape: ['circle', 'square', 'triangle', 'cross'],
  colour: ['red', 'green', 'blue', 'yellow', 'purple'],
  size: ['small', 'large'],
  position: ['center', 'left', 'right', 'top', 'bottom'],
  background: ['black', 'white', 'gray'],
} as const;

export type ShapeAttribute = keyof typeof shapeAttributes;
export const shapeAttributeNames = Object.keys(shapeAttributes) as ShapeAttribute[];

/** One picture's attributes, as indices into {@link shapeAttributes}. */
export type ShapeDescription = Readonly<Record<ShapeAttribute, number>>;

/**
 * Colour-shape pairs never shown in training by default: one per shape and per colour (purple keeps
 * all its shapes), so every word is seen, only these combinations are not.
 */
export const defaultHeldOutPairs: readonly (readonly [colour: string, shape: string])[] = [
  ['red', 'triangle'],
  ['green', 'circle'],
  ['blue', 'cross'],
  ['yellow', 'square'],
];

const colourRgb: Record<string, readonly [number, number, number]> = {
  red: [220, 40, 40],
  green: [40, 170, 60],
  blue: [40, 80, 230],
  yellow: [240, 220, 40],
  purple: [150, 50, 200],
};
const backgroundRgb: Record<string, readonly [number, number, number]> = {
  black: [10, 10, 10],
  white: [245, 245, 245],
  gray: [128, 128, 128],
};

// Paraphrases: each caption draws one at random.
const words = {
  size: { small: ['small', 'little', 'tiny'], large: ['large', 'big', 'huge'] },
  shape: {
    circle: ['circle', 'disc', 'round dot'],
    square: ['square', 'box', 'block'],
    triangle: ['triangle', 'triangle', 'wedge'],
    cross: ['cross', 'plus sign', 'plus'],
  },
  position: {
    center: ['in the center', 'in the middle', 'at the centre'],
    left: ['on the left', 'at the left side', 'to the left'],
    right: ['on the right', 'at the right side', 'to the right'],
    top: ['at the top', 'near the top', 'in the upper part'],
    bottom: ['at the bottom', 'near the bottom', 'in the lower part'],
  },
  background: { black: ['black'], white: ['white'], gray: ['gray', 'grey'] },
} as const;

type Words = Record<'size' | 'colour' | 'shape' | 'position' | 'background', string>;
const templates: readonly ((w: Words) => string)[] = [
  (w) => `a ${w.size} ${w.colour} ${w.shape} ${w.position} on a ${w.background} background`,
  (w) => `${w.background} background with a ${w.size} ${w.colour} ${w.shape} ${w.position}`,
  (w) => `there is a ${w.size} ${w.colour} ${w.shape} ${w.position}. the background is ${w.background}.`,
  (w) => `${w.position}, a ${w.colour} ${w.shape}, ${w.size}, over ${w.background}`,
  (w) => `this picture shows a ${w.size} ${w.shape} in ${w.colour} ${w.position} against ${w.background}`,
];
/** Number of caption templates; `captionsPerImage` above it repeats templates with other paraphrases. */
export const shapeCaptionTemplateCount = templates.length;

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)]!;
}

function name<A extends ShapeAttribute>(attribute: A, description: ShapeDescription): string {
  return shapeAttributes[attribute][description[attribute]]!;
}

/**
 * A caption of `description` from template `template` (0-4), paraphrases drawn with `random`.
 *
 * @example
 * ```ts
 * describeShape({ shape: 0, colour: 0, size: 0, position: 1, background: 0 }, 0, () => 0);
 * // 'a small red circle on the left on a black background'
 * ```
 */
export function describeShape(description: ShapeDescription, template: number, random: () => number): string {
  assertDescription(description);
  assertInteger(template, 0, templates.length - 1, 'template');
  const size = name('size', description) as keyof typeof words.size;
  const shape = name('shape', description) as keyof typeof words.shape;
  const position = name('position', description) as keyof typeof words.position;
  const background = name('background', description) as keyof typeof words.background;
  return templates[template]!({
    size: pick(words.size[size], random),
    colour: name('colour', description),
    shape: pick(words.shape[shape], random),
    position: pick(words.position[position], random),
    background: pick(words.background[background], random),
  });
}

/**
 * Renders one picture in [-1, 1], row-major [size, size, 3], anti-aliased by 4x4 supersampling. The
 * shape's centre and radius and both colours are jittered slightly with `random`.
 */
export function renderShape(description: ShapeDescription, size: number, random: () => number): Float32Array {
  assertDescription(description);
  assertInteger(size, 8, 1024, 'size');
  const unit = size / 32;
  const large = name('size', description) === 'large';
  const radius = (large ? 9 : 5) * unit * (0.95 + 0.1 * random());
  // Offsets keep the shape inside the picture with a 1.5 px margin (in 32 px units).
  const offset = size / 2 - radius - 1.5 * unit;
  const directions: Record<string, readonly [number, number]> = {
    center: [0, 0],
    left: [-1, 0],
    right: [1, 0],
    top: [0, -1],
    bottom: [0, 1],
  };
  const [dx, dy] = directions[name('position', description)]!;
  const jitter = () => (random() - 0.5) * 2 * unit;
  const cx = size / 2 + dx * offset + (dx === 0 ? jitter() : 0);
  const cy = size / 2 + dy * offset + (dy === 0 ? jitter() : 0);
  const inside = insideTest(name('shape', description), cx, cy, radius);
  const vary = (rgb: readonly number[]) =>
    rgb.map((value) => Math.min(255, Math.max(0, value + (random() - 0.5) * 30)));
  const foreground = vary(colourRgb[name('colour', description)]!);
  const background = vary(backgroundRgb[name('background', description)]!);
  const pixels = new Float32Array(size * size * 3);
  const samples = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          if (inside(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples)) covered++;
        }
      }
      const alpha = covered / (samples * samples);
      for (let c = 0; c < 3; c++) {
        const value = alpha * foreground[c]! + (1 - alpha) * background[c]!;
        pixels[(y * size + x) * 3 + c] = value / 127.5 - 1;
      }
    }
  }
  return pixels;
}

function insideTest(shape: string, cx: number, cy: number, r: number): (x: number, y: number) => boolean {
  switch (shape) {
    case 'circle':
      return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
    case 'square': {
      // A slightly smaller half-side than the circle's radius keeps the two areas comparable.
      const half = r * 0.85;
      return (x, y) => Math.abs(x - cx) <= half && Math.abs(y - cy) <= half;
    }
    case 'triangle':
      // Apex up; base on cy + r; the sides narrow linearly towards cy - r.
      return (x, y) => y >= cy - r && y <= cy + r && Math.abs(x - cx) <= (r * (y - (cy - r))) / (2 * r);
    case 'cross': {
      const arm = r / 3;
      return (x, y) =>
        (Math.abs(x - cx) <= r && Math.abs(y - cy) <= arm) || (Math.abs(y - cy) <= r && Math.abs(x - cx) <= arm);
    }
    default:
      throw new InvalidArgumentError('description.shape', shapeAttributes.shape.join(', '), shape);
  }
}

function assertDescription(description: ShapeDescription): void {
  if (typeof description !== 'object' || description === null) {
    throw new InvalidArgumentError('description', '{ shape, colour, size, position, background } indices', description);
  }
  for (const attribute of shapeAttributeNames) {
    assertInteger(description[attribute], 0, shapeAttributes[attribute].length - 1, `description.${attribute}`);
  }
}

/** Every combination of attribute values, in a fixed order (shape slowest, background fastest). */
export function allShapeDescriptions(): ShapeDescription[] {
  const result: ShapeDescription[] = [];
  for (let shape = 0; shape < shapeAttributes.shape.length; shape++)
    for (let colour = 0; colour < shapeAttributes.colour.length; colour++)
      for (let size = 0; size < shapeAttributes.size.length; size++)
        for (let position = 0; position < shapeAttributes.position.length; position++)
          for (let background = 0; background < shapeAttributes.background.length; background++)
            result.push({ shape, colour, size, position, background });
  return result;
}

/** A combination's index in {@link allShapeDescriptions}: equal attributes, equal index. */
export function combinationIndex(description: ShapeDescription): number {
  return shapeAttributeNames.reduce(
    (index, attribute) => index * shapeAttributes[attribute].length + description[attribute],
    0,
  );
}

/** Whether the description's colour-shape pair is one of `pairs`. */
export function isHeldOutPair(
  description: ShapeDescription,
  pairs: readonly (readonly [string, string])[] = defaultHeldOutPairs,
): boolean {
  return pairs.some(
    ([colour, shape]) => name('colour', description) === colour && name('shape', description) === shape,
  );
}

export interface CaptionedShapesOptions {
  /** 'train': combinations without a held-out pair; 'held-out': only those; 'all'. Default 'train'. */
  readonly split?: 'train' | 'held-out' | 'all';
  /** Colour-shape pairs kept out of the 'train' split. Default {@link defaultHeldOutPairs}. */
  readonly heldOutPairs?: readonly (readonly [colour: string, shape: string])[];
  /** Pictures per attribute combination. Default 8. */
  readonly imagesPerCombination?: number;
  /** Captions per picture (the templates in turn, paraphrases at random). Default 5. */
  readonly captionsPerImage?: number;
  /** Picture side. Default 32. */
  readonly size?: number;
  /** Seed of the jitter and paraphrases. Default 0. */
  readonly seed?: number;
}

/** A synthetic captioned data set: pictures, their captions and their attributes. */
export interface CaptionedShapes {
  /** [N, size, size, 3] in [-1, 1]. */
  readonly images: tf.Tensor4D;
  /** All captions, picture by picture. */
  readonly captions: string[];
  /** The picture each caption describes. */
  readonly imageOfCaption: Int32Array;
  /** Each picture's attributes. */
  readonly descriptions: ShapeDescription[];
  /** Each picture's combination index ({@link combinationIndex}): pictures with equal attributes share it. */
  readonly classes: Int32Array;
}

/**
 * The synthetic captioned-shapes set: one coloured shape (circle, square, triangle, cross) of a size
 * (small, large) at a position (center, left, right, top, bottom) on a background (black, white,
 * gray), captioned from five templates with paraphrases. Deterministic for a seed; the 'held-out'
 * split holds the colour-shape pairs the 'train' split never shows.
 *
 * @example
 * ```ts
 * const train = captionedShapes({ split: 'train', imagesPerCombination: 4, seed: 1 });
 * train.images.shape; // [1920, 32, 32, 3]
 * train.captions[0];  // 'a small purple circle in the center on a black background' (for instance)
 * ```
 */
export function captionedShapes(options: CaptionedShapesOptions = {}): CaptionedShapes {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'held-out' && split !== 'all') {
    throw new InvalidArgumentError('options.split', "'train', 'held-out' or 'all'", split);
  }
  const perCombination = options.imagesPerCombination ?? 8;
  const captionsPerImage = options.captionsPerImage ?? 5;
  const size = options.size ?? 32;
  const seed = options.seed ?? 0;
  const pairs = options.heldOutPairs ?? defaultHeldOutPairs;
  assertInteger(perCombination, 1, 10_000, 'options.imagesPerCombination');
  assertInteger(captionsPerImage, 1, 100, 'options.captionsPerImage');
  assertInteger(size, 8, 1024, 'options.size');
  assertInteger(seed, 0, 2 ** 31 - 1, 'options.seed');
  pairs.forEach(([colour, shape], index) => {
    if (
      !(shapeAttributes.colour as readonly string[]).includes(colour) ||
      !(shapeAttributes.shape as readonly string[]).includes(shape)
    ) {
      throw new InvalidArgumentError(
        `options.heldOutPairs[${index}]`,
        'a [colour, shape] pair of known words',
        `${colour} ${shape}`,
      );
    }
  });
  const combinations = allShapeDescriptions().filter((description) =>
    split === 'all' ? true : isHeldOutPair(description, pairs) === (split === 'held-out'),
  );
  const descriptions: ShapeDescription[] = [];
  for (const description of combinations)
    for (let copy = 0; copy < perCombination; copy++) descriptions.push(description);
  const random = seededRandom(seed, `captioned-shapes:${split}`);
  const pixels = new Float32Array(descriptions.length * size * size * 3);
  const captions: string[] = [];
  const imageOfCaption = new Int32Array(descriptions.length * captionsPerImage);
  descriptions.forEach((description, index) => {
    pixels.set(renderShape(description, size, random), index * size * size * 3);
    for (let caption = 0; caption < captionsPerImage; caption++) {
      imageOfCaption[captions.length] = index;
      captions.push(describeShape(description, caption % templates.length, random));
    }
  });
  return {
    images: tf.tensor4d(pixels, [descriptions.length, size, size, 3]),
    captions,
    imageOfCaption,
    descriptions,
    classes: Int32Array.from(descriptions, combinationIndex),
  };
}
