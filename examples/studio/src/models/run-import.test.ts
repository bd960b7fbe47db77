import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';

import { assembleRun } from './run-assembly.js';
import { checkRunFiles, type RunFileInput } from './run-file-check.js';
import { RunImportError } from './run-import-error.js';
import { cliMetadata, tinyCheckpoint, tinyLayersModelFiles, tinyTextEncoderJson } from './test-fixtures/tiny-runs.js';

// What the worker does with an import's files, in Node on real checkpoints and a real text encoder:
// the run it assembles, or the refusal (code and message) for what a run folder never holds.
const loose = (path: string, bytes: Uint8Array): RunFileInput => ({ path, bytes, inFolder: false });
const inFolder = (path: string, bytes: Uint8Array): RunFileInput => ({ path, bytes, inFolder: true });
const importOf = async (inputs: RunFileInput[]) => assembleRun(await checkRunFiles(inputs));

async function refusal(inputs: RunFileInput[]): Promise<{ code: string; message: string }> {
  const error = await importOf(inputs).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RunImportError);
  return { code: (error as RunImportError).code, message: (error as RunImportError).message };
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('importing run files', () => {
  let dcgan: Uint8Array;
  let levels: Uint8Array[];
  let otherLevel1: Uint8Array;
  let text2img: Uint8Array;
  let encoder: Uint8Array;
  let otherEncoder: Uint8Array;
  let srgan: Uint8Array;
  let unknown: Uint8Array;

  beforeAll(async () => {
    dcgan = await tinyCheckpoint(cliMetadata.dcgan, 3);
    levels = [await tinyCheckpoint(cliMetadata.lapgan(0, 2), 2), await tinyCheckpoint(cliMetadata.lapgan(1, 2), 1)];
    otherLevel1 = await tinyCheckpoint(cliMetadata.lapgan(1, 2, 7), 1);
    text2img = await tinyCheckpoint(cliMetadata.text2img(6), 2);
    encoder = await tinyTextEncoderJson(6);
    otherEncoder = await tinyTextEncoderJson(5);
    srgan = await tinyCheckpoint(cliMetadata.srgan, 1);
    unknown = await tinyCheckpoint({ run: { model: 'stylegan', dataset: 'faces' } });
  }, 60_000);

  it('takes a loose DCGAN checkpoint as a run folder holding it as latest.gfckpt', async () => {
    const run = await importOf([loose('mnist.gfckpt', dcgan)]);
    expect(run).toEqual({ name: 'mnist', family: 'dcgan', step: 3, files: { 'latest.gfckpt': dcgan } });
  });

  it('names a run by its folder and skips the folder files that are not a run', async () => {
    const run = await importOf([
      inFolder('shapes/latest.gfckpt', text2img),
      inFolder('shapes/text-encoder.json', encoder),
      inFolder('shapes/samples.png', png),
      inFolder('shapes/samples/step-000100.png', png),
    ]);
    expect(run).toEqual({
      name: 'shapes',
      family: 'text2img',
      step: 2,
      files: { 'latest.gfckpt': text2img, 'text-encoder.json': encoder },
    });
  });

  it('sums the steps of the LAPGAN levels and keeps their names', async () => {
    const run = await importOf([loose('level-1.gfckpt', levels[1]!), loose('level-0.gfckpt', levels[0]!)]);
    expect(run).toEqual({
      name: 'lapgan run',
      family: 'lapgan',
      step: 3,
      files: { 'level-0.gfckpt': levels[0], 'level-1.gfckpt': levels[1] },
    });
  });

  it('opens a zip of a run folder', async () => {
    const zip = zipSync({ 'lapgan-mnist/level-0.gfckpt': levels[0]!, 'lapgan-mnist/level-1.gfckpt': levels[1]! });
    const run = await importOf([loose('lapgan-mnist.zip', zip)]);
    expect(run.name).toBe('lapgan-mnist');
    expect(run.files).toEqual({ 'level-0.gfckpt': levels[0], 'level-1.gfckpt': levels[1] });
  });

  it('recognises an SRGAN checkpoint by its upscaling record', async () => {
    expect((await importOf([inFolder('photos-x2/latest.gfckpt', srgan)])).family).toBe('srgan');
  });

  it('takes the model/ folder of an SRResNet run, with the step from its run.json', async () => {
    const { modelJson, weights } = await tinyLayersModelFiles();
    const runJson = new TextEncoder().encode(JSON.stringify({ command: 'train srresnet', summary: { steps: 12 } }));
    const run = await importOf([
      inFolder('photos-x2/model/model.json', modelJson),
      inFolder('photos-x2/model/weights.bin', weights),
      inFolder('photos-x2/run.json', runJson),
    ]);
    expect(run).toEqual({
      name: 'photos-x2',
      family: 'srresnet',
      step: 12,
      files: { 'model/model.json': modelJson, 'model/weights.bin': weights },
    });
    const short = await refusal([
      inFolder('photos-x2/model/model.json', modelJson),
      inFolder('photos-x2/model/weights.bin', weights.subarray(4)),
    ]);
    expect(short.message).toBe(
      `photos-x2/model/model.json: expected ${weights.byteLength} bytes of weights in weights.bin (the manifest's shapes), received ${weights.byteLength - 4}: a weight file is truncated or from another model.`,
    );
  });

  it('refuses a file that is not a checkpoint, naming what it is', async () => {
    expect(await refusal([loose('mnist.gfckpt', png)])).toEqual({
      code: 'NOT_A_RUN_FILE',
      message:
        'mnist.gfckpt: expected a GANForge checkpoint (a .gfckpt file written by `ganforge train`, starting with "GFCKPT01"), received a PNG image.',
    });
    expect((await refusal([loose('samples.png', png)])).message).toBe(
      "samples.png: expected a run's file (a .gfckpt checkpoint, text-encoder.json, a run folder or a .zip of one), received a PNG image named samples.png.",
    );
  });

  it('refuses a truncated or damaged checkpoint with the decoder code', async () => {
    const truncated = await refusal([loose('latest.gfckpt', dcgan.subarray(0, dcgan.byteLength - 7))]);
    expect(truncated.code).toBe('CHECKPOINT');
    expect(truncated.message).toBe(
      `latest.gfckpt: expected ${dcgan.byteLength} bytes, received ${dcgan.byteLength - 7}: the file is truncated or damaged.`,
    );
    const damaged = dcgan.slice();
    damaged[damaged.byteLength - 1]! ^= 1;
    const checksum = await refusal([loose('latest.gfckpt', damaged)]);
    expect(checksum.code).toBe('CHECKPOINT_CHECKSUM');
    expect(checksum.message).toMatch(/^latest\.gfckpt: expected payload SHA-256 [0-9a-f]{64} /);
  });

  it('refuses text2img without its text encoder, and the encoder alone', async () => {
    const without = await refusal([loose('latest.gfckpt', text2img)]);
    expect(without.code).toBe('RUN_INCOMPLETE');
    expect(without.message).toContain('latest.gfckpt: expected it together with text-encoder.json');
    const alone = await refusal([loose('text-encoder.json', encoder)]);
    expect(alone.code).toBe('RUN_INCOMPLETE');
    expect(alone.message).toContain('text-encoder.json: expected text-encoder.json together with the latest.gfckpt');
  });

  it('refuses files of two different runs', async () => {
    const families = await refusal([loose('latest.gfckpt', text2img), loose('level-0.gfckpt', levels[0]!)]);
    expect(families.code).toBe('RUN_MIXED');
    expect(families.message).toContain(
      'expected the checkpoints of one run, received a text2img checkpoint (latest.gfckpt) and a lapgan checkpoint (level-0.gfckpt, level 0 of 2)',
    );
    const seeds = await refusal([loose('level-0.gfckpt', levels[0]!), loose('level-1.gfckpt', otherLevel1)]);
    expect(seeds.code).toBe('RUN_MIXED');
    expect(seeds.message).toContain('"seed":0');
    expect(seeds.message).toContain('"seed":7');
    const encoders = await refusal([loose('latest.gfckpt', text2img), loose('text-encoder.json', otherEncoder)]);
    expect(encoders.message).toBe(
      'latest.gfckpt, text-encoder.json: expected a text encoder of kind "bag-of-words" with dim 6 (metadata.run of the checkpoint), received kind "bag-of-words" with dim 5: the encoder belongs to another run.',
    );
    const folders = await refusal([inFolder('a/latest.gfckpt', dcgan), inFolder('b/latest.gfckpt', dcgan)]);
    expect(folders.message).toContain('expected the files of one run folder, received files of 2 (a, b)');
    const twice = await refusal([loose('latest.gfckpt', dcgan), loose('mnist.gfckpt', dcgan)]);
    expect(twice.message).toBe(
      'latest.gfckpt, mnist.gfckpt: expected one latest.gfckpt in a run, received two: they are files of two different runs. Import each run on its own.',
    );
  });

  it('refuses a LAPGAN run missing a level, or a level under another name', async () => {
    const missing = await refusal([loose('level-0.gfckpt', levels[0]!)]);
    expect(missing.code).toBe('RUN_INCOMPLETE');
    expect(missing.message).toContain('received no level-1.gfckpt');
    const renamed = await refusal([loose('level-1.gfckpt', levels[0]!), loose('level-0.gfckpt', levels[1]!)]);
    expect(renamed.message).toBe(
      'level-1.gfckpt: expected the file name level-0.gfckpt (its metadata.lapgan.level is 0), received level-1.gfckpt: rename it back.',
    );
  });

  it('refuses a checkpoint of an unknown family', async () => {
    expect(await refusal([loose('latest.gfckpt', unknown)])).toEqual({
      code: 'RUN_UNKNOWN_FAMILY',
      message:
        'latest.gfckpt: expected a checkpoint of `ganforge train dcgan`, `ganforge train lapgan`, `ganforge train text2img`, `ganforge train srgan` (its metadata.run names the model), received metadata.run.model "stylegan".',
    });
  });
});
