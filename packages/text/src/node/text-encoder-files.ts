import { assertInteger, CheckpointError, InvalidArgumentError } from '@ganforge/core';
import { limitFromEnvironment, readUserFile, removeLegacyTemporaries, writeFileAtomically } from '@ganforge/core/node';
import { type TextEncoder, textEncoderFromJson, type TextEncoderReadOptions, textEncoderToJson } from '@ganforge/text';

/** The name `ganforge train text2img` gives the encoder file in a run folder. */
export const textEncoderFileName = 'text-encoder.json';

/**
 * Default {@link LoadTextEncoderFileOptions.maxBytes}: 256 MiB. GANForge's encoders are a few MB of
 * weights (base64 adds a third); Reed et al.'s 1,024-d char-CNN-RNN would be about 40 MB. JSON.parse
 * needs the whole text as one string, which V8 caps at about 512 MiB.
 */
export const defaultMaxTextEncoderBytes = 256 * 1024 ** 2;

/** Environment variable that sets {@link LoadTextEncoderFileOptions.maxBytes} where no option is given (the CLI). */
export const maxTextEncoderBytesVariable = 'GANFORGE_MAX_TEXT_ENCODER_BYTES';

export interface LoadTextEncoderFileOptions extends Pick<TextEncoderReadOptions, 'maxVocabularyWords'> {
  /**
   * Refuse, before reading, a file larger than this many bytes (SizeLimitError). Default: the
   * `GANFORGE_MAX_TEXT_ENCODER_BYTES` environment variable when set, else
   * {@link defaultMaxTextEncoderBytes}.
   */
  readonly maxBytes?: number;
  /** What the caller calls the path in its errors (`'--text-encoder'`). Default `'path'`. */
  readonly argument?: string;
}

/**
 * Writes an encoder (tokenizer, topology, weights) as one JSON file with `writeFileAtomically`
 * (temporary file, fsync, rename): a crash leaves the previous file whole. Temporaries that an
 * interrupted save left (also the `<path>.<pid>.tmp` of earlier versions) are removed.
 *
 * @throws CheckpointError when the file cannot be written.
 * @example
 * ```ts
 * await saveTextEncoder(encoder, 'runs/shapes/text-encoder.json');
 * const again = await loadTextEncoderFile('runs/shapes/text-encoder.json');
 * ```
 */
export async function saveTextEncoder(encoder: TextEncoder, path: string): Promise<void> {
  const json = await textEncoderToJson(encoder);
  try {
    await removeLegacyTemporaries(path);
    await writeFileAtomically(path, json);
  } catch (cause) {
    throw new CheckpointError(`text encoder: cannot write ${path} (${(cause as Error).message}).`, { cause });
  }
}

/**
 * Reads a file written by {@link saveTextEncoder}. It must be a regular file (checked before it is
 * opened: a FIFO would block, a device never end) no larger than `maxBytes`; its JSON is parsed with
 * a schema and every field checked before the model is built.
 *
 * @throws FileNotFoundError naming `argument`; UnsafePathError (not a regular file); SizeLimitError
 *   (file bytes, vocabulary words); InvalidFileError naming the file and the field; the errors of
 *   `deserializeModel` for a topology or weights that do not fit.
 */
export async function loadTextEncoderFile(
  path: string,
  options: LoadTextEncoderFileOptions = {},
): Promise<TextEncoder> {
  const argument = options.argument ?? 'path';
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(argument, 'a file path', path);
  const maxBytes = options.maxBytes ?? limitFromEnvironment(maxTextEncoderBytesVariable) ?? defaultMaxTextEncoderBytes;
  assertInteger(maxBytes, 1, Number.MAX_SAFE_INTEGER, 'options.maxBytes');
  const bytes = await readUserFile(path, {
    argument,
    expected: 'an existing text encoder file (text-encoder.json)',
    what: 'text encoder file',
    maxBytes,
    limitOption: `the maxBytes option of loadTextEncoderFile or the ${maxTextEncoderBytesVariable} environment variable`,
  });
  return textEncoderFromJson(new TextDecoder().decode(bytes), {
    source: path,
    maxVocabularyWords: options.maxVocabularyWords,
    limitOption: 'the maxVocabularyWords option of loadTextEncoderFile',
  });
}
