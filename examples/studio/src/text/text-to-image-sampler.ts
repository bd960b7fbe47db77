import { decodeCheckpoint, deriveSeed, GanForgeError, InvalidFileError, loadGenerator } from '@ganforge/core';
import { symmetricToPixels } from '@ganforge/data';
import {
  allShapeDescriptions,
  describeShape,
  encodeInChunks,
  shapeCaptionTemplateCount,
  splitWords,
  type TextEncoder,
  textEncoderFromJson,
  WordTokenizer,
} from '@ganforge/text';
import * as tf from '@tensorflow/tfjs';

import { checkpointFileName, textEncoderFileName } from './text-to-image-file-names.js';

const runFolder = 'the run folder `ganforge train text2img --out` writes (latest.gfckpt and text-encoder.json)';

/** What the page shows about a loaded run. */
export interface TextToImageModelInfo {
  readonly step: number;
  /** Picture side in pixels. */
  readonly size: number;
  readonly latentDim: number;
  readonly embeddingDim: number;
  readonly encoderKind: string;
  /** 'shapes' or the caption file the run was trained on. */
  readonly dataset: string;
  /** Whether the generator's moving-average weights are used (as `ganforge text2img` does by default). */
  readonly ema: boolean;
}

/** One generated picture as canvas pixels: `size * size * 4` bytes, RGBA. */
export type PicturePixels = Uint8ClampedArray;

/**
 * Samples a text-to-image run the way `ganforge text2img` does (packages/cli/src/commands/text2img.ts):
 * the same noise (`deriveSeed(seed, 'cli-text2img', 0)`), the same EMA choice and the same
 * embedding mix for interpolation, so the studio's pictures match the CLI's for a seed.
 */
export class TextToImageSampler {
  readonly info: TextToImageModelInfo;
  readonly #generator: tf.LayersModel;
  readonly #encoder: TextEncoder;
  /** Words the encoder knows (word encoders) or the training captions hold (shapes runs); undefined: unknown. */
  readonly #knownWords: ReadonlySet<string> | undefined;
  readonly #knownWordsAre: 'vocabulary' | 'training captions';

  private constructor(generator: tf.LayersModel, encoder: TextEncoder, info: TextToImageModelInfo) {
    this.#generator = generator;
    this.#encoder = encoder;
    this.info = info;
    if (encoder.tokenizer instanceof WordTokenizer) {
      this.#knownWords = new Set(encoder.tokenizer.vocabulary);
      this.#knownWordsAre = 'vocabulary';
    } else {
      this.#knownWords = info.dataset === 'shapes' ? shapeCaptionWords() : undefined;
      this.#knownWordsAre = 'training captions';
    }
  }

  /**
   * Checks and loads a run's files (by name, as in the run folder).
   *
   * @throws InvalidFileError naming the file that is missing or not what `ganforge train text2img`
   *   writes; the errors of decodeCheckpoint, textEncoderFromJson and loadGenerator, prefixed by the file.
   */
  static async fromRunFiles(files: Readonly<Record<string, Uint8Array>>): Promise<TextToImageSampler> {
    const received = Object.keys(files).join(', ') || 'no files';
    for (const name of [checkpointFileName, textEncoderFileName]) {
      if (!files[name]) throw new InvalidFileError(name, `${runFolder}`, `a run without it (files: ${received})`);
    }
    const checkpoint = namingFile(checkpointFileName, () => decodeCheckpoint(files[checkpointFileName]!));
    const run = checkpoint.metadata['run'] as { model?: unknown; dataset?: unknown } | undefined;
    if (run?.model !== 'text2img') {
      const model =
        typeof run?.model === 'string' ? `a '${run.model}' checkpoint` : 'a checkpoint without metadata.run';
      throw new InvalidFileError(checkpointFileName, 'a checkpoint written by `ganforge train text2img`', model);
    }
    const encoder = await textEncoderFromJson(new TextDecoder().decode(files[textEncoderFileName]), {
      source: textEncoderFileName,
    });
    let generator: tf.LayersModel | undefined;
    try {
      const ema = checkpoint.generatorEma !== undefined;
      generator = await namingFile(checkpointFileName, () => loadGenerator(checkpoint, { ema }));
      const latentDim = generator.inputs[0]?.shape[1];
      const embeddingDim = generator.inputs[1]?.shape[1];
      const size = generator.outputs[0]?.shape[1];
      if (typeof latentDim !== 'number' || typeof size !== 'number' || embeddingDim !== encoder.dim) {
        throw new InvalidFileError(
          checkpointFileName,
          `a generator that takes [noise, ${encoder.dim}-d caption embedding] (the size ${textEncoderFileName} gives)`,
          `one that takes [${generator.inputs.map((input) => JSON.stringify(input.shape)).join(', ')}]`,
        );
      }
      const info: TextToImageModelInfo = {
        step: checkpoint.step,
        size,
        latentDim,
        embeddingDim,
        encoderKind: encoder.kind,
        dataset: typeof run.dataset === 'string' ? run.dataset : 'unknown',
        ema,
      };
      return new TextToImageSampler(generator, encoder, info);
    } catch (error) {
      generator?.dispose();
      encoder.dispose();
      throw error;
    }
  }

  /** Words of `caption` the model cannot know, and why (empty when all are known or nothing is known). */
  unknownWords(caption: string): { words: string[]; notIn: string } {
    const words = splitWords(caption).filter((word) => this.#knownWords && !this.#knownWords.has(word));
    return { words: [...new Set(words)], notIn: this.#knownWordsAre };
  }

  /**
   * `count` pictures per caption, caption by caption (row-major); column c uses the same noise in
   * every row, noise drawn as `ganforge text2img --seed` draws it.
   */
  async generate(captions: readonly string[], count: number, seed: number): Promise<PicturePixels[]> {
    const images = tf.tidy(() => {
      const noise = this.#noise(count, seed);
      const rows = captions.flatMap((caption) => Array<string>(count).fill(caption));
      return this.#generator.predict([tf.tile(noise, [captions.length, 1]), encodeInChunks(this.#encoder, rows)]);
    }) as tf.Tensor4D;
    return toPictures(images);
  }

  /**
   * GAN-INT: `steps` pictures for `(1 - beta) * e(first) + beta * e(second)`, beta from 0 to 1 in
   * equal steps, with the noise fixed (the first column's noise of {@link generate}).
   */
  async interpolate(first: string, second: string, steps: number, seed: number): Promise<PicturePixels[]> {
    const images = tf.tidy(() => {
      const noise = this.#noise(steps, seed);
      const ends = encodeInChunks(this.#encoder, [first, second]);
      const beta = tf.linspace(0, 1, steps).reshape([steps, 1]);
      const mixed = tf.add(tf.mul(tf.sub(1, beta), ends.slice(0, 1)), tf.mul(beta, ends.slice(1, 1)));
      return this.#generator.predict([tf.tile(noise.slice(0, 1), [steps, 1]), mixed]);
    }) as tf.Tensor4D;
    return toPictures(images);
  }

  dispose(): void {
    this.#generator.dispose();
    this.#encoder.dispose();
  }

  #noise(columns: number, seed: number): tf.Tensor2D {
    return tf.randomNormal([columns, this.info.latentDim], 0, 1, 'float32', deriveSeed(seed, 'cli-text2img', 0));
  }
}

/** Splits a batch in [-1, 1] into RGBA pictures, rounded as the CLI's PNG grid rounds them. */
async function toPictures(images: tf.Tensor4D): Promise<PicturePixels[]> {
  const [count, height, width, channels] = images.shape;
  const pixelTensor = symmetricToPixels(images);
  images.dispose();
  const pixels = await pixelTensor.data();
  pixelTensor.dispose();
  const pictures: PicturePixels[] = [];
  for (let index = 0; index < count; index++) {
    const picture = new Uint8ClampedArray(height * width * 4);
    for (let pixel = 0; pixel < height * width; pixel++) {
      const source = (index * height * width + pixel) * channels;
      for (let channel = 0; channel < 3; channel++) {
        picture[pixel * 4 + channel] = pixels[source + (channels === 3 ? channel : 0)]!;
      }
      picture[pixel * 4 + 3] = 255;
    }
    pictures.push(picture);
  }
  return pictures;
}

/** Prefixes a library error with the file it came from, so the page names it. */
function namingFile<T>(file: string, load: () => T): T {
  try {
    const result = load();
    if (result instanceof Promise) return result.catch((error: unknown) => rethrowNaming(file, error)) as T;
    return result;
  } catch (error) {
    return rethrowNaming(file, error);
  }
}

function rethrowNaming(file: string, error: unknown): never {
  if (error instanceof GanForgeError && !error.message.startsWith(file)) error.message = `${file}: ${error.message}`;
  throw error;
}

/** Every word of the shapes data set's captions: each description, template and paraphrase. */
function shapeCaptionWords(): Set<string> {
  const words = new Set<string>();
  // Three constant draws pick each of up to three paraphrases (pick takes floor(random * length)).
  const draws = [0, 0.34, 0.67];
  for (const description of allShapeDescriptions()) {
    for (let template = 0; template < shapeCaptionTemplateCount; template++) {
      for (const draw of draws)
        for (const word of splitWords(describeShape(description, template, () => draw))) words.add(word);
    }
  }
  return words;
}
