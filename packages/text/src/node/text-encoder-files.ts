import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { CheckpointError } from '@ganforge/core';
import { type TextEncoder, textEncoderFromJson, textEncoderToJson } from '@ganforge/text';

/** The name `ganforge train text2img` gives the encoder file in a run folder. */
export const textEncoderFileName = 'text-encoder.json';

/**
 * Writes an encoder (tokenizer, topology, weights) as one JSON file, atomically (temporary file, rename).
 *
 * @example
 * ```ts
 * await saveTextEncoder(encoder, 'runs/shapes/text-encoder.json');
 * const again = await loadTextEncoderFile('runs/shapes/text-encoder.json');
 * ```
 */
export async function saveTextEncoder(encoder: TextEncoder, path: string): Promise<void> {
  const json = await textEncoderToJson(encoder);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, json);
  await rename(temporary, path);
}

/** Reads a file written by {@link saveTextEncoder}. */
export async function loadTextEncoderFile(path: string): Promise<TextEncoder> {
  let json: string;
  try {
    json = await readFile(path, 'utf8');
  } catch (cause) {
    throw new CheckpointError(`text encoder: cannot read ${path} (${(cause as Error).message}).`, { cause });
  }
  return textEncoderFromJson(json);
}
