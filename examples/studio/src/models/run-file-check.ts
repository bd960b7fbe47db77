import { type Checkpoint, decodeCheckpoint, GanForgeError } from '@ganforge/core';
import { unzipSync } from 'fflate';

import { checkpointFamily, checkpointFamilies } from './run-family.js';
import { RunImportError } from './run-import-error.js';
import type { RunFamily } from './run-library.js';

/** One file handed in for import: its bytes and its path (`run/latest.gfckpt` from a folder or a zip). */
export interface RunFileInput {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** It came inside a folder or a zip, where files that are not part of a run (samples, run.json) are skipped. */
  readonly inFolder: boolean;
}

/** A checkpoint that decoded (checksum, header schema and limits checked) and what it says about its run. */
export interface CheckedCheckpoint {
  readonly kind: 'checkpoint';
  readonly path: string;
  /** The file's name in the run folder: `latest.gfckpt` or `level-<k>.gfckpt`. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly step: number;
  readonly family: Exclude<RunFamily, 'srresnet'>;
  /** `metadata.lapgan.level` and `.levels` of a LAPGAN level. */
  readonly lapgan?: { readonly level: number; readonly levels: number };
  /** `metadata.run` settings that every file of one run shares (to tell two runs apart). */
  readonly runIdentity: Readonly<Record<string, unknown>>;
}

/** A `text-encoder.json` that parsed and built (then freed). */
export interface CheckedTextEncoder {
  readonly kind: 'text-encoder';
  readonly path: string;
  readonly name: 'text-encoder.json';
  readonly bytes: Uint8Array;
  readonly encoderKind: string;
  readonly dim: number;
}

/**
 * The `model/` folder of a `ganforge train srresnet` run (a tfjs layers model: `model.json` and its
 * weight files, checked against the manifest's sizes), with the step from the folder's `run.json`.
 */
export interface CheckedLayersModel {
  readonly kind: 'layers-model';
  readonly path: string;
  readonly name: 'model/model.json';
  /** The model's files by their names in the run folder (`model/model.json`, `model/weights.bin`). */
  readonly files: Readonly<Record<string, Uint8Array>>;
  readonly step: number;
  readonly family: 'srresnet';
}

export type CheckedRunFile = CheckedCheckpoint | CheckedTextEncoder | CheckedLayersModel;

/** The folder (or zip) a file came in, '' for a loose file. */
export function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** What some bytes are, for a message: "a PNG image", "HTML (a web page)", "an empty file". */
export function describeBytes(bytes: Uint8Array): string {
  if (bytes.byteLength === 0) return 'an empty file';
  const starts = (...prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'a GIF image';
  const webp = new TextDecoder().decode(bytes.subarray(8, 12)) === 'WEBP';
  if (starts(0x52, 0x49, 0x46, 0x46) && webp) return 'a WebP image';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive';
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'HTML (a web page)';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
  const hex = [...bytes.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return `${bytes.byteLength} bytes starting with ${hex}`;
}

const checkpointMagic = 'GFCKPT01';
const isZip = (input: RunFileInput) =>
  input.path.toLowerCase().endsWith('.zip') ||
  (input.bytes[0] === 0x50 && input.bytes[1] === 0x4b && input.bytes[2] === 0x03 && input.bytes[3] === 0x04);

/** A zip's files as inputs under the zip's name (`run.zip` holding `run/latest.gfckpt` -> `run/latest.gfckpt`). */
function unzipped(input: RunFileInput): RunFileInput[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(input.bytes);
  } catch (cause) {
    throw new RunImportError(
      'NOT_A_RUN_FILE',
      input.path,
      `expected a zip archive of a run folder, received ${describeBytes(input.bytes)} that does not unzip (${(cause as Error).message}).`,
    );
  }
  const top = baseName(input.path).replace(/\.zip$/i, '') || 'run';
  const paths = Object.keys(entries).filter((path) => !path.endsWith('/'));
  // A zip of a folder holds `folder/...`; a zip of the files alone holds them at its root.
  const sharedFolder =
    paths.length > 0 && paths.every((path) => path.includes('/') && folderOf(path) === folderOf(paths[0]!));
  return paths.map((path) => ({
    path: sharedFolder ? path : `${top}/${path}`,
    bytes: entries[path]!,
    inFolder: true,
  }));
}

/**
 * The file's name in a run folder when it is one of a run's files, else undefined (a sample, run.json,
 * the SRGAN `model/` export). A loose `.gfckpt` of any name counts (its run is one checkpoint).
 */
function runFileName(input: RunFileInput): string | undefined {
  const inside = input.inFolder ? input.path.slice(folderOf(input.path).length + 1) : input.path;
  if (inside.includes('/')) return undefined;
  if (/^(latest|level-\d+)\.gfckpt$/.test(inside) || inside === 'text-encoder.json') return inside;
  if (!input.inFolder && inside.toLowerCase().endsWith('.gfckpt')) return inside;
  if (!input.inFolder && inside.toLowerCase().endsWith('.json')) return inside;
  return undefined;
}

function decode(input: RunFileInput): Checkpoint {
  const magic = new TextDecoder().decode(input.bytes.subarray(0, checkpointMagic.length));
  if (magic !== checkpointMagic) {
    throw new RunImportError(
      'NOT_A_RUN_FILE',
      input.path,
      `expected a GANForge checkpoint (a .gfckpt file written by \`ganforge train\`, starting with "GFCKPT01"), received ${describeBytes(input.bytes)}.`,
    );
  }
  try {
    return decodeCheckpoint(input.bytes, { onNote: () => undefined });
  } catch (error) {
    if (!(error instanceof GanForgeError)) throw error;
    // The decoder names the checkpoint `checkpoint`; here the file has a name.
    const detail = error.message.replace(/^checkpoint: /, '');
    throw new RunImportError(error.code, input.path, detail);
  }
}

function checkCheckpoint(input: RunFileInput, name: string): CheckedCheckpoint {
  const checkpoint = decode(input);
  const found = checkpointFamily(checkpoint.metadata);
  if (!('family' in found)) {
    throw new RunImportError(
      'RUN_UNKNOWN_FAMILY',
      input.path,
      `expected a checkpoint of ${Object.values(checkpointFamilies).join(', ')} (its metadata.run names the model), received ${found.received}.`,
    );
  }
  const run = checkpoint.metadata['run'] as Record<string, unknown>;
  const levelMetadata = checkpoint.metadata['lapgan'] as { level?: unknown; levels?: unknown } | undefined;
  let lapgan: CheckedCheckpoint['lapgan'];
  if (found.family === 'lapgan') {
    const { level, levels } = levelMetadata ?? {};
    if (!Number.isInteger(level) || !Number.isInteger(levels)) {
      throw new RunImportError(
        'RUN_UNKNOWN_FAMILY',
        input.path,
        'expected a LAPGAN level checkpoint (metadata.lapgan with level and levels, written by `ganforge train lapgan`), received one without it.',
      );
    }
    lapgan = { level: level as number, levels: levels as number };
  }
  // Settings that every checkpoint of one run shares (a resume may change the learning rate, not these).
  const identityKeys = [
    'model',
    'dataset',
    'size',
    'channels',
    'levels',
    'seed',
    'conditional',
    'encoder',
    'embeddingDim',
  ];
  const runIdentity = Object.fromEntries(identityKeys.filter((key) => key in run).map((key) => [key, run[key]]));
  // A loose checkpoint of another name is stored as the folder's `latest.gfckpt`, the name the CLI reads.
  const fileName = lapgan ? `level-${lapgan.level}.gfckpt` : /^level-\d+\.gfckpt$/.test(name) ? name : 'latest.gfckpt';
  if (lapgan && /^level-\d+\.gfckpt$/.test(name) && name !== fileName) {
    throw new RunImportError(
      'RUN_MIXED',
      input.path,
      `expected the file name ${fileName} (its metadata.lapgan.level is ${lapgan.level}), received ${name}: rename it back.`,
    );
  }
  return {
    kind: 'checkpoint',
    path: input.path,
    name: fileName,
    bytes: input.bytes,
    step: checkpoint.step,
    family: found.family,
    lapgan,
    runIdentity,
  };
}

async function checkTextEncoder(input: RunFileInput): Promise<CheckedTextEncoder> {
  // The encoder is built once to check it fully (schema, tokenizer, weights), then freed.
  const [tf, { textEncoderFromJson }] = await Promise.all([import('@tensorflow/tfjs'), import('@ganforge/text')]);
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(input.bytes);
  } catch {
    throw new RunImportError(
      'TEXT_ENCODER',
      input.path,
      `expected text-encoder.json (JSON written by \`ganforge train text2img\`), received ${describeBytes(input.bytes)}.`,
    );
  }
  try {
    const encoder = await textEncoderFromJson(json, { source: input.path });
    const checked = { encoderKind: encoder.kind, dim: encoder.dim };
    encoder.dispose();
    return { kind: 'text-encoder', path: input.path, name: 'text-encoder.json', bytes: input.bytes, ...checked };
  } catch (error) {
    if (!(error instanceof GanForgeError)) throw error;
    const detail = error.message.startsWith(`${input.path}: `)
      ? error.message.slice(input.path.length + 2)
      : error.message;
    throw new RunImportError('TEXT_ENCODER', input.path, detail);
  }
}

const bytesPerValue: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/**
 * The SRResNet model of a run folder (or zip) without checkpoints: `<folder>/model/model.json`, the
 * weight files its manifest names (sizes checked against the weight shapes) and the step from
 * `<folder>/run.json`. Undefined when the folder has no `model/model.json`.
 *
 * @throws RunImportError naming the file when model.json is not a tfjs layers model or a weight file
 *   is missing or of the wrong size.
 */
function checkLayersModel(inputs: readonly RunFileInput[]): CheckedLayersModel | undefined {
  const inside = (input: RunFileInput) => input.path.slice(folderOf(input.path).length + 1);
  const folderFiles = new Map(inputs.filter((input) => input.inFolder).map((input) => [inside(input), input]));
  const modelJson = folderFiles.get('model/model.json');
  if (!modelJson) return undefined;
  const refuse = (detail: string) => new RunImportError('NOT_A_RUN_FILE', modelJson.path, detail);
  let model: { modelTopology?: unknown; weightsManifest?: unknown };
  try {
    model = JSON.parse(new TextDecoder().decode(modelJson.bytes)) as typeof model;
  } catch {
    throw refuse(
      `expected a tfjs layers model.json (from \`ganforge train srresnet\`), received ${describeBytes(modelJson.bytes)}.`,
    );
  }
  type Group = { paths?: unknown; weights?: { shape?: unknown; dtype?: unknown; quantization?: unknown }[] };
  const groups = model.weightsManifest as Group[] | undefined;
  if (typeof model.modelTopology !== 'object' || model.modelTopology === null || !Array.isArray(groups)) {
    throw refuse(
      'expected a tfjs layers model.json with modelTopology and weightsManifest, received JSON without them.',
    );
  }
  const files: Record<string, Uint8Array> = { 'model/model.json': modelJson.bytes };
  for (const group of groups) {
    const paths = Array.isArray(group.paths) ? (group.paths as unknown[]) : [];
    let expected = 0;
    let exact = true;
    for (const weight of group.weights ?? []) {
      const shape = Array.isArray(weight.shape) ? (weight.shape as number[]) : [];
      const size = bytesPerValue[String(weight.dtype)];
      if (size === undefined || weight.quantization !== undefined) exact = false;
      else expected += shape.reduce((product, side) => product * side, 1) * size;
    }
    let received = 0;
    for (const path of paths) {
      const file = folderFiles.get(`model/${String(path)}`);
      if (!file) {
        throw refuse(
          `expected the weight file model/${String(path)} that its weightsManifest names beside it, received no such file.`,
        );
      }
      files[`model/${String(path)}`] = file.bytes;
      received += file.bytes.byteLength;
    }
    if (exact && received !== expected) {
      throw refuse(
        `expected ${expected} bytes of weights in ${paths.join(', ')} (the manifest's shapes), received ${received}: a weight file is truncated or from another model.`,
      );
    }
  }
  const runJson = folderFiles.get('run.json');
  let step = 0;
  if (runJson) {
    try {
      const steps = (JSON.parse(new TextDecoder().decode(runJson.bytes)) as { summary?: { steps?: unknown } }).summary
        ?.steps;
      if (typeof steps === 'number' && Number.isSafeInteger(steps) && steps >= 0) step = steps;
    } catch {
      // run.json only tells the step; the model loads without it.
    }
  }
  return { kind: 'layers-model', path: modelJson.path, name: 'model/model.json', files, step, family: 'srresnet' };
}

/**
 * Checks every file of an import: zips are opened, files of a folder that are not a run's are
 * skipped, each checkpoint is decoded (checksum, header, limits) and each text encoder built once.
 * Runs in a Web Worker (a 100 MB checkpoint's checksum takes a while).
 *
 * @throws RunImportError naming the file, what was expected and what was received.
 */
export async function checkRunFiles(
  inputs: readonly RunFileInput[],
  onProgress: (done: number, total: number, path: string) => void = () => undefined,
): Promise<CheckedRunFile[]> {
  const expanded = inputs.flatMap((input) => (isZip(input) ? unzipped(input) : [input]));
  const runFiles: { input: RunFileInput; name: string }[] = [];
  for (const input of expanded) {
    const name = runFileName(input);
    if (name !== undefined) runFiles.push({ input, name });
    else if (!input.inFolder) {
      throw new RunImportError(
        'NOT_A_RUN_FILE',
        input.path,
        `expected a run's file (a .gfckpt checkpoint, text-encoder.json, a run folder or a .zip of one), received ${describeBytes(input.bytes)} named ${baseName(input.path)}.`,
      );
    }
  }
  const layersModel = runFiles.length === 0 ? checkLayersModel(expanded) : undefined;
  if (layersModel) return [layersModel];
  if (runFiles.length === 0) {
    const where = inputs
      .map((input) => folderOf(input.path) || input.path)
      .filter((name, i, all) => all.indexOf(name) === i);
    throw new RunImportError(
      'RUN_INCOMPLETE',
      where.join(', ') || 'the selection',
      `expected a run folder's files (latest.gfckpt, level-<k>.gfckpt, text-encoder.json; SRResNet: model/model.json), received ${expanded.length === 0 ? 'no files' : `none of them among ${expanded.length} file(s)`}.`,
    );
  }
  const checked: CheckedRunFile[] = [];
  for (const [index, { input, name }] of runFiles.entries()) {
    onProgress(index, runFiles.length, input.path);
    checked.push(name.endsWith('.json') ? await checkTextEncoder(input) : checkCheckpoint(input, name));
  }
  onProgress(runFiles.length, runFiles.length, '');
  return checked;
}
