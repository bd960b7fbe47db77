import type { RunFamily } from './run-library.js';

/** The run families a checkpoint can belong to, with the command that writes each (for messages). */
export const checkpointFamilies: Readonly<Record<Exclude<RunFamily, 'srresnet'>, string>> = {
  dcgan: '`ganforge train dcgan`',
  lapgan: '`ganforge train lapgan`',
  text2img: '`ganforge train text2img`',
  srgan: '`ganforge train srgan`',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Which family a checkpoint's `metadata` says it belongs to, read the way the CLI writes it
 * (packages/cli/src/run-metadata.ts): `metadata.run.model` for `lapgan` and `text2img`; LAPGAN
 * levels also carry `metadata.lapgan`; SRGAN has `metadata.upscaling` (and `run.images`, `run.scale`);
 * DCGAN (and `ganforge demo`) records no model name, only its architecture (`run.latentDim`,
 * `run.size`). Returns a description of what was found instead when it is none of them.
 */
export function checkpointFamily(
  metadata: unknown,
): { readonly family: Exclude<RunFamily, 'srresnet'> } | { readonly received: string } {
  if (!isRecord(metadata)) return { received: 'no metadata' };
  const run = metadata['run'];
  if (!isRecord(run)) {
    return { received: `no metadata.run (metadata keys: ${Object.keys(metadata).join(', ') || 'none'})` };
  }
  const model = run['model'];
  if (model === 'lapgan' || isRecord(metadata['lapgan'])) return { family: 'lapgan' };
  if (model === 'text2img') return { family: 'text2img' };
  if (
    model === undefined &&
    (isRecord(metadata['upscaling']) || (typeof run['images'] === 'string' && 'scale' in run))
  ) {
    return { family: 'srgan' };
  }
  if (model === undefined && typeof run['latentDim'] === 'number' && typeof run['size'] === 'number') {
    return { family: 'dcgan' };
  }
  return {
    received:
      model === undefined
        ? `metadata.run without a model name or the settings of a known model (keys: ${Object.keys(run).join(', ')})`
        : `metadata.run.model ${JSON.stringify(model)}`,
  };
}
