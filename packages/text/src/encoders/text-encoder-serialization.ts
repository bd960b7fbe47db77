import {
  CheckpointError,
  describeSchemaIssue,
  deserializeModel,
  InvalidFileError,
  type SchemaIssueDescription,
  type SerializedModel,
  serializeModel,
  SizeLimitError,
} from '@ganforge/core';
import * as v from 'valibot';

import { CharTokenizer } from '../tokenizers/char-tokenizer.js';
import type { TokenizerJson } from '../tokenizers/tokenizer.js';
import { WordTokenizer } from '../tokenizers/word-tokenizer.js';
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
 * Default {@link TextEncoderReadOptions.maxVocabularyWords}: 1,000,000 words. Caption vocabularies
 * hold thousands to tens of thousands of words (CUB ~5,000, COCO ~30,000); even word2vec's Google
 * News vocabulary (3 M) is phrases. Checked before the vocabulary's lookup table is built.
 */
export const defaultMaxVocabularyWords = 1_000_000;

/** Limits and naming for reading an encoder someone else wrote. */
export interface TextEncoderReadOptions {
  /** Names the input in errors (a file path). Default `'text encoder JSON'`. */
  readonly source?: string;
  /** Refuse a word tokenizer with more words, with SizeLimitError. Default {@link defaultMaxVocabularyWords}. */
  readonly maxVocabularyWords?: number;
  /** What raises `maxVocabularyWords`, named in the error. Default `'the maxVocabularyWords option'`. */
  readonly limitOption?: string;
}

const tokenLengthSchema = v.pipe(
  v.number(),
  v.integer('an integer from 1 to 65,536'),
  v.minValue(1, 'an integer from 1 to 65,536'),
  v.maxValue(1 << 16, 'an integer from 1 to 65,536'),
);
const paddingSchema = v.picklist(['pre', 'post']);

/** `Tokenizer.toJSON()` as written by this version (tokenizers validate their values again). */
const tokenizerJsonSchema = v.variant('type', [
  v.object({ type: v.literal('char'), maxLength: tokenLengthSchema, padding: paddingSchema }),
  v.object({
    type: v.literal('word'),
    maxLength: tokenLengthSchema,
    padding: paddingSchema,
    vocabulary: v.array(v.string()),
  }),
]);

/** A weight's manifest entry; deserializeModel checks names, shapes and sizes against the topology. */
const weightSpecSchema = v.object({
  name: v.string(),
  shape: v.array(v.pipe(v.number(), v.integer('a non-negative integer'), v.minValue(0, 'a non-negative integer'))),
  dtype: v.picklist(['float32', 'int32', 'bool']),
});

const modelEnvelopeSchema = <T extends v.GenericSchema>(weightData: T) =>
  v.object({
    topology: v.looseObject({}),
    weightSpecs: v.array(weightSpecSchema),
    weightData,
  });

const envelopeEntries = {
  format: v.literal('ganforge-text-encoder'),
  version: v.literal(1),
  kind: v.picklist(['char-cnn-rnn', 'word-gru', 'bag-of-words']),
  tokenizer: tokenizerJsonSchema,
};

/** What {@link serializeTextEncoder} returns (weights as bytes). */
const serializedTextEncoderSchema = v.object({
  ...envelopeEntries,
  model: modelEnvelopeSchema(v.instance(ArrayBuffer, 'an ArrayBuffer')),
});

/** What {@link textEncoderToJson} writes (weights in base64). */
const textEncoderJsonSchema = v.object({
  ...envelopeEntries,
  model: modelEnvelopeSchema(v.string()),
});

/**
 * Rebuilds an encoder written by {@link serializeTextEncoder}, in Node or a browser. Every field is
 * checked (schema, then the tokenizer against the kind and the model's input) before the model is
 * built; nothing stays allocated when it throws.
 *
 * @throws CheckpointError (`CHECKPOINT_HEADER`) naming the field for a value that is not what
 *   serializeTextEncoder writes; SizeLimitError for a vocabulary above `maxVocabularyWords`; the
 *   errors of `deserializeModel` for a topology or weights that do not fit.
 * @example
 * ```ts
 * const copy = await loadTextEncoder(await serializeTextEncoder(encoder));
 * ```
 */
export async function loadTextEncoder(
  serialized: SerializedTextEncoder,
  options: TextEncoderReadOptions = {},
): Promise<TextEncoder> {
  const source = options.source ?? 'serialized text encoder';
  const parsed = v.safeParse(serializedTextEncoderSchema, serialized);
  if (!parsed.success) {
    const { field, expected, received } = describeIssue(parsed.issues[0]);
    throw new CheckpointError(`${source}: ${field}: expected ${expected}, received ${received}.`, {
      code: 'CHECKPOINT_HEADER',
    });
  }
  const refuse = (expected: string, received: string, cause?: unknown) =>
    new CheckpointError(`${source}: expected ${expected}, received ${received}.`, { code: 'CHECKPOINT_HEADER', cause });
  return buildTextEncoder(parsed.output, parsed.output.model.weightData, { ...options, source }, refuse);
}

/** One JSON string (weights in base64) for files, `localStorage` or a network response. */
export async function textEncoderToJson(encoder: TextEncoder): Promise<string> {
  const serialized = await serializeTextEncoder(encoder);
  return JSON.stringify({
    ...serialized,
    model: { ...serialized.model, weightData: toBase64(serialized.model.weightData) },
  });
}

/**
 * Reads the string written by {@link textEncoderToJson}, parsed with a schema (never cast) and
 * checked as {@link loadTextEncoder} checks.
 *
 * @throws InvalidFileError naming `options.source` and the field (not JSON, a field missing or of
 *   the wrong type, weights not base64, a tokenizer that does not fit the kind); SizeLimitError; the
 *   errors of `deserializeModel`.
 */
export async function textEncoderFromJson(json: string, options: TextEncoderReadOptions = {}): Promise<TextEncoder> {
  const source = options.source ?? 'text encoder JSON';
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    // V8's message quotes the text; only its position is kept, so a linked file is not echoed.
    const position = /position (\d+)/.exec((cause as Error).message)?.[1];
    throw new InvalidFileError(
      source,
      'JSON written by textEncoderToJson',
      `text that is not JSON${position === undefined ? '' : ` (error at character ${position})`}`,
      { cause },
    );
  }
  const parsed = v.safeParse(textEncoderJsonSchema, value);
  if (!parsed.success) {
    const { field, expected, received } = describeIssue(parsed.issues[0]);
    throw new InvalidFileError(source, `${field} to be ${expected}`, received);
  }
  let weightData: ArrayBuffer;
  try {
    weightData = fromBase64(parsed.output.model.weightData);
  } catch (cause) {
    throw new InvalidFileError(source, 'model.weightData to be base64', 'other characters', { cause });
  }
  const refuse = (expected: string, received: string, cause?: unknown) =>
    new InvalidFileError(source, expected, received, { cause });
  return buildTextEncoder(parsed.output, weightData, { ...options, source }, refuse);
}

type TextEncoderEnvelope =
  v.InferOutput<typeof textEncoderJsonSchema> | v.InferOutput<typeof serializedTextEncoderSchema>;

async function buildTextEncoder(
  envelope: TextEncoderEnvelope,
  weightData: ArrayBuffer,
  options: TextEncoderReadOptions & { readonly source: string },
  refuse: (expected: string, received: string, cause?: unknown) => Error,
): Promise<TextEncoder> {
  const { source, kind, tokenizer: tokenizerJson } = { source: options.source, ...envelope };
  const wantsChars = kind === 'char-cnn-rnn';
  if ((tokenizerJson.type === 'char') !== wantsChars) {
    throw refuse(
      `tokenizer.type to be '${wantsChars ? 'char' : 'word'}' for kind '${kind}'`,
      JSON.stringify(tokenizerJson.type),
    );
  }
  const maxWords = options.maxVocabularyWords ?? defaultMaxVocabularyWords;
  if (tokenizerJson.type === 'word' && tokenizerJson.vocabulary.length > maxWords) {
    throw new SizeLimitError(
      `${source}: tokenizer.vocabulary`,
      maxWords,
      tokenizerJson.vocabulary.length,
      'words',
      options.limitOption ?? 'the maxVocabularyWords option',
    );
  }
  let tokenizer: CharTokenizer | WordTokenizer;
  try {
    tokenizer =
      tokenizerJson.type === 'char'
        ? new CharTokenizer({ maxLength: tokenizerJson.maxLength, padding: tokenizerJson.padding })
        : new WordTokenizer(tokenizerJson.vocabulary, {
            maxLength: tokenizerJson.maxLength,
            padding: tokenizerJson.padding,
          });
  } catch (cause) {
    // The schema let it through, so what is left is the vocabulary's content (repeated words).
    // Its message is a sentence; the refusal adds its own period ("..]." otherwise).
    throw refuse('tokenizer.vocabulary to hold distinct words', (cause as Error).message.replace(/\.$/, ''), cause);
  }
  registerTextLayers();
  const model = await deserializeModel(
    // deserializeModel checks the topology and the weight specs against each other and the bytes.
    {
      topology: envelope.model.topology,
      weightSpecs: envelope.model.weightSpecs,
      weightData,
    },
    { label: `${source}: model` },
  );
  try {
    if (kind === 'char-cnn-rnn' && tokenizer instanceof CharTokenizer)
      return new CharCnnRnnEncoder({ tokenizer, model });
    if (kind === 'word-gru' && tokenizer instanceof WordTokenizer) return new WordGruEncoder({ tokenizer, model });
    if (kind === 'bag-of-words' && tokenizer instanceof WordTokenizer)
      return new BagOfWordsEncoder({ tokenizer, model });
    throw refuse(`a tokenizer that fits kind '${kind}'`, tokenizer.constructor.name);
  } catch (error) {
    model.dispose(); // e.g. a model input that does not fit the tokenizer's maxLength
    throw error;
  }
}

/** valibot's first issue in words, the field named from the encoder's top (`model.weightSpecs[0].shape[1]`). */
function describeIssue(issue: v.BaseIssue<unknown> | undefined): SchemaIssueDescription {
  if (!issue) return { field: 'the whole value', expected: 'a text encoder', received: 'something else' };
  const { field, expected, received } = describeSchemaIssue('', issue);
  // "expected kind to be present" reads better than core's "to be this field" in textEncoderFromJson's form.
  return {
    field: field.replace(/^\./, '') || 'the whole value',
    expected: expected === 'this field' ? 'present' : expected,
    received,
  };
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
