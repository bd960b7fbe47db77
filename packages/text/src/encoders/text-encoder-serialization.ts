import {
  CheckpointError,
  deserializeModel,
  InvalidArgumentError,
  type SerializedModel,
  serializeModel,
} from '@ganforge/core';

import { type CharTokenizer } from '../tokenizers/char-tokenizer.js';
import type { TokenizerJson } from '../tokenizers/tokenizer.js';
import { tokenizerFromJson } from '../tokenizers/tokenizer-from-json.js';
import { type WordTokenizer } from '../tokenizers/word-tokenizer.js';
import { BagOfWordsEncoder } from './bag-of-words-encoder.js';
import { CharCnnRnnEncoder } from './char-cnn-rnn-encoder.js';
import type { TextEncoder, TextEncoderKind } from './text-encoder.js';
import { registerTextLayers } from './text-layers.js';
import { WordGruEncoder } from './word-gru-encoder.js';

/** A text encoder in memory: kind, tokenizer and the model's topology and weights. */
export interface SerializedTextEncoder {
  readonly format: 'ganforge-text-encoder';
  readonly version: 1;
  readonly kind: TextEncoderKind;
  readonly tokenizer: TokenizerJson;
  readonly model: SerializedModel;
}

/** Captures an encoder (tokenizer, topology, weights); {@link loadTextEncoder} rebuilds it anywhere. */
export async function serializeTextEncoder(encoder: TextEncoder): Promise<SerializedTextEncoder> {
  return {
    format: 'ganforge-text-encoder',
    version: 1,
    kind: encoder.kind,
    tokenizer: encoder.tokenizer.toJSON(),
    model: await serializeModel(encoder.model),
  };
}

/**
 * Rebuilds an encoder written by {@link serializeTextEncoder}, in Node or a browser.
 *
 * @example
 * ```ts
 * const copy = await loadTextEncoder(await serializeTextEncoder(encoder));
 * ```
 */
export async function loadTextEncoder(serialized: SerializedTextEncoder): Promise<TextEncoder> {
  if (serialized?.format !== 'ganforge-text-encoder') {
    throw new CheckpointError(
      `text encoder: expected an object from serializeTextEncoder (format 'ganforge-text-encoder'), received format ${JSON.stringify(serialized?.format)}.`,
    );
  }
  registerTextLayers();
  const tokenizer = tokenizerFromJson(serialized.tokenizer);
  const model = await deserializeModel(serialized.model);
  switch (serialized.kind) {
    case 'char-cnn-rnn':
      return new CharCnnRnnEncoder({ tokenizer: tokenizer as CharTokenizer, model });
    case 'word-gru':
      return new WordGruEncoder({ tokenizer: tokenizer as WordTokenizer, model });
    case 'bag-of-words':
      return new BagOfWordsEncoder({ tokenizer: tokenizer as WordTokenizer, model });
    default:
      model.dispose();
      throw new InvalidArgumentError(
        'serialized.kind',
        "'char-cnn-rnn', 'word-gru' or 'bag-of-words'",
        serialized.kind,
      );
  }
}

/** One JSON string (weights in base64) for files, `localStorage` or a network response. */
export async function textEncoderToJson(encoder: TextEncoder): Promise<string> {
  const serialized = await serializeTextEncoder(encoder);
  return JSON.stringify({
    ...serialized,
    model: { ...serialized.model, weightData: toBase64(serialized.model.weightData) },
  });
}

/** Reads the string written by {@link textEncoderToJson}. */
export async function textEncoderFromJson(json: string): Promise<TextEncoder> {
  let parsed: SerializedTextEncoder & { model: { weightData: unknown } };
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new CheckpointError(`text encoder: the text is not JSON (${(cause as Error).message}).`, { cause });
  }
  if (typeof parsed?.model?.weightData !== 'string') {
    throw new CheckpointError(
      'text encoder: expected the JSON written by textEncoderToJson (model.weightData in base64).',
    );
  }
  return loadTextEncoder({ ...parsed, model: { ...parsed.model, weightData: fromBase64(parsed.model.weightData) } });
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes.buffer;
}
