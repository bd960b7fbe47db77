// Issue 12's table of hostile and mistaken inputs, run through the real `ganforge` in a child process:
// each must end with a non-zero status, exactly one stderr line starting with the CLI's error prefix
// that ends with the error's code in brackets, and no stack trace anywhere in the output. The hostile
// checkpoints are built here from a real tiny run's checkpoint by editing its header JSON or bytes
// (layout from core's checkpoint-codec.ts: 8-byte magic, uint32 LE header length, JSON, payload).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { cliErrorPrefix } from './report-cli-error.js';

const packageRoot = new URL('..', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'ganforge-hostile-'));
const good = join(root, 'good');
const tiny = ['--limit', '16', '--batch-size', '8', '--filters', '4', '--latent-dim', '8', '--backend', 'cpu'];
const stackLine = /^\s+at /m;

function ganforgeArgs(args: readonly string[]) {
  return ['--import', 'tsx', 'src/bin.ts', ...args];
}

const environment = { ...process.env, GANFORGE_BACKEND: '', GANFORGE_MAX_STEPS: '' };

/**
 * Runs `ganforge` to its end with `variables` added to the environment; a run that hangs (a FIFO
 * read as a checkpoint) is killed after 60 s.
 */
function ganforgeWith(variables: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, ganforgeArgs(args), {
    cwd: packageRoot,
    encoding: 'utf8',
    env: { ...environment, ...variables },
    timeout: 60_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

function ganforge(...args: string[]) {
  return ganforgeWith({}, ...args);
}

/** Starts `ganforge` in the background. */
function startGanforge(...args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ganforgeArgs(args), { cwd: packageRoot, env: environment });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  // Polls for a state of another process (not a timing assertion); gives up after 120 s.
  for (let waited = 0; !condition(); waited += 100) {
    if (waited > 120_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface CheckpointParts {
  readonly header: Record<string, unknown>;
  readonly payload: Buffer;
}

function readCheckpoint(path: string): CheckpointParts {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt32LE(8);
  return {
    header: JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as Record<string, unknown>,
    payload: bytes.subarray(12 + headerLength),
  };
}

function checkpointBytes(header: unknown, payload: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.byteLength);
  return Buffer.concat([Buffer.from('GFCKPT01', 'latin1'), length, json, payload]);
}

/** A run folder whose latest.gfckpt is the good run's with `edit` applied to a copy of its header. */
function hostileRun(name: string, edit: (header: Record<string, unknown>) => unknown, file = 'latest.gfckpt') {
  const { header, payload } = readCheckpoint(join(good, 'latest.gfckpt'));
  const copy = structuredClone(header);
  const replaced = edit(copy);
  const folder = join(root, name);
  mkdirSync(folder);
  writeFileSync(join(folder, file), checkpointBytes(replaced === undefined ? copy : replaced, payload));
  return folder;
}

/** A run folder whose latest.gfckpt is the good run's bytes, changed by `edit`. */
function hostileBytes(name: string, edit: (bytes: Buffer) => Buffer) {
  const folder = join(root, name);
  mkdirSync(folder);
  writeFileSync(join(folder, 'latest.gfckpt'), edit(Buffer.from(readFileSync(join(good, 'latest.gfckpt')))));
  return folder;
}

function writePng(path: string, width = 8, height = 8): void {
  const png = new PNG({ width, height });
  png.data.fill(200);
  writeFileSync(path, PNG.sync.write(png));
}

function runMetadata(header: Record<string, unknown>) {
  return (header['metadata'] as { run: Record<string, unknown> }).run;
}

/** One row of the table: the command line, and the code its one error line must end with. */
interface Row {
  readonly name: string;
  readonly args: () => string[];
  readonly code: string;
  /** What else the error line must say. */
  readonly says?: RegExp;
}

const photo = join(root, 'photo.png');
const existing = join(root, 'existing.png');
const emptyFolder = join(root, 'empty');
const textFolder = join(root, 'text-files');
const aFile = join(root, 'a-file');
const folderNamedPng = join(root, 'folder.png');
const bombFolder = join(root, 'bombs');
const bomb = join(bombFolder, 'bomb.png');

/** A PNG of 66 bytes whose IHDR says 100000 x 100000 RGB (the image bomb of issue 12; CRCs from zlib). */
function writeImageBomb(path: string): void {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const pixels = chunk('IDAT', deflateSync(Buffer.from([0])));
  writeFileSync(path, Buffer.concat([signature, chunk('IHDR', header), pixels, chunk('IEND', Buffer.alloc(0))]));
}

const rows: Row[] = [
  // Mistakes in arguments and paths.
  {
    name: 'upscale a missing input',
    args: () => ['upscale', join(root, 'missing.png'), join(root, 'o1.png'), '--model', 'bicubic'],
    code: 'FILE_NOT_FOUND',
    says: /^<in>: /,
  },
  {
    name: 'upscale a folder as input',
    args: () => ['upscale', emptyFolder, join(root, 'o2.png'), '--model', 'bicubic'],
    code: 'INVALID_ARGUMENT',
    says: /a folder/,
  },
  {
    name: 'upscale to an unknown format',
    args: () => ['upscale', photo, join(root, 'o3.bmp'), '--model', 'bicubic'],
    code: 'INVALID_ARGUMENT',
    says: /^<out>: /,
  },
  {
    name: 'upscale over an existing file',
    args: () => ['upscale', photo, existing, '--model', 'bicubic'],
    code: 'INVALID_ARGUMENT',
    says: /--overwrite/,
  },
  {
    name: 'upscale a model that does not exist',
    args: () => ['upscale', photo, join(root, 'o4.png'), '--model', join(root, 'no-model')],
    code: 'FILE_NOT_FOUND',
    says: /^--model: /,
  },
  {
    name: 'train from a data set that does not exist',
    args: () => ['train', 'dcgan', '--dataset', '/nope', '--out', join(root, 'r1'), '--steps', '1', ...tiny],
    code: 'FILE_NOT_FOUND',
    says: /^--dataset: /,
  },
  {
    name: 'train from a data set that is a file',
    args: () => ['train', 'dcgan', '--dataset', photo, '--out', join(root, 'r2'), '--steps', '1', ...tiny],
    code: 'INVALID_ARGUMENT',
    says: /^--dataset: .*a file/,
  },
  {
    name: 'train from an empty folder',
    args: () => ['train', 'dcgan', '--dataset', emptyFolder, '--out', join(root, 'r3'), '--steps', '1', ...tiny],
    code: 'INVALID_ARGUMENT',
    says: /^--dataset: /,
  },
  {
    name: 'train from a folder of non-images',
    args: () => ['train', 'dcgan', '--dataset', textFolder, '--out', join(root, 'r4'), '--steps', '1', ...tiny],
    code: 'INVALID_ARGUMENT',
    says: /^--dataset: /,
  },
  {
    name: 'train into a file',
    args: () => ['train', 'dcgan', '--dataset', 'mnist', '--out', aFile, '--steps', '1', ...tiny],
    code: 'INVALID_ARGUMENT',
    says: /^--out: .*a file/,
  },
  {
    name: 'train into a folder below a file',
    args: () => ['train', 'dcgan', '--dataset', 'mnist', '--out', join(aFile, 'run'), '--steps', '1', ...tiny],
    code: 'INVALID_ARGUMENT',
    says: /^--out: /,
  },
  {
    name: 'train with 0 steps',
    args: () => ['train', 'dcgan', '--dataset', 'mnist', '--out', join(root, 'r5'), '--steps', '0'],
    code: 'USAGE',
    says: /--steps/,
  },
  {
    name: 'train with 2 channels',
    args: () => ['train', 'dcgan', '--dataset', 'mnist', '--out', join(root, 'r6'), '--steps', '1', '--channels', '2'],
    code: 'USAGE',
    says: /--channels/,
  },
  {
    name: 'train with a billion filters',
    args: () => ['train', 'dcgan', '--dataset', 'mnist', '--out', join(root, 'r7'), '--steps', '1', '--filters', '1e9'],
    code: 'USAGE',
    says: /--filters .*from 1 to 1024/,
  },
  {
    name: 'train srgan with a tv weight that is not a number',
    args: () => [
      'train',
      'srgan',
      '--images',
      emptyFolder,
      '--out',
      join(root, 'r8'),
      '--steps',
      '1',
      '--tv-weight',
      'abc',
    ],
    code: 'USAGE',
    says: /--tv-weight/,
  },
  {
    name: 'train with a batch larger than the data set',
    args: () => [
      'train',
      'dcgan',
      '--dataset',
      'mnist',
      '--out',
      join(root, 'r10'),
      '--steps',
      '1',
      ...tiny,
      '--limit',
      '3',
    ],
    code: 'INVALID_ARGUMENT',
    says: /^--batch-size: expected at most 3, the number of training images, received 8\./,
  },
  {
    name: 'sample into a folder',
    args: () => ['sample', '--checkpoint', good, '--out', folderNamedPng, '--backend', 'cpu'],
    code: 'INVALID_ARGUMENT',
    says: /^--out: .*not a folder/,
  },
  {
    name: 'sample over an existing file',
    args: () => ['sample', '--checkpoint', good, '--out', existing, '--backend', 'cpu'],
    code: 'INVALID_ARGUMENT',
    says: /^--out: .*--overwrite/,
  },
  {
    name: 'sample into a folder below a file',
    args: () => ['sample', '--checkpoint', good, '--out', join(aFile, 'grid.png'), '--backend', 'cpu'],
    code: 'INVALID_ARGUMENT',
    says: /^--out: /,
  },
  {
    name: 'sample into a folder that cannot be created',
    args: () => ['sample', '--checkpoint', good, '--out', '/proc/ganforge-x/grid.png', '--backend', 'cpu'],
    code: 'FILE_SYSTEM',
    says: /^--out: /,
  },
  {
    name: 'sample a run folder that does not exist',
    args: () => ['sample', '--checkpoint', join(root, 'nope'), '--out', join(root, 's1.png'), '--backend', 'cpu'],
    code: 'FILE_NOT_FOUND',
    says: /^--checkpoint: /,
  },
  {
    name: 'sample a folder with no checkpoint',
    args: () => ['sample', '--checkpoint', emptyFolder, '--out', join(root, 's2.png'), '--backend', 'cpu'],
    code: 'INVALID_ARGUMENT',
    says: /^--checkpoint: /,
  },
  {
    name: 'eval image folders that do not exist',
    args: () => ['eval', 'psnr', '--sr', join(root, 'nope-sr'), '--hr', join(root, 'nope-hr'), '--backend', 'cpu'],
    code: 'FILE_NOT_FOUND',
    says: /^--sr: /,
  },
  {
    name: 'eval kid with a subset larger than the samples',
    args: () => [
      'eval',
      'kid',
      '--checkpoint',
      good,
      '--samples',
      '10',
      '--reference-count',
      '10',
      '--subset-size',
      '5000',
      '--backend',
      'cpu',
    ],
    code: 'INVALID_ARGUMENT',
    says: /^--subset-size: /,
  },
  {
    name: 'eval kid with a subset of 1',
    args: () => ['eval', 'kid', '--checkpoint', good, '--subset-size', '1'],
    code: 'USAGE',
    says: /--subset-size/,
  },
  { name: 'an unknown command', args: () => ['trian'], code: 'USAGE' },
  // Hostile images: a 66-byte PNG whose header claims 100000 x 100000 pixels (40 GB as RGBA).
  {
    name: 'upscale an image whose header claims 1e10 pixels',
    args: () => ['upscale', bomb, join(root, 'o5.png'), '--model', 'bicubic', '--backend', 'cpu'],
    code: 'SIZE_LIMIT',
    says: /GANFORGE_MAX_IMAGE_PIXELS=10000000000 /,
  },
  {
    name: 'train on a folder with such an image',
    args: () => ['train', 'dcgan', '--dataset', bombFolder, '--out', join(root, 'r9'), '--steps', '1', ...tiny],
    code: 'SIZE_LIMIT',
    says: /GANFORGE_MAX_IMAGE_PIXELS/,
  },
  {
    name: 'upscale with a DCGAN run as the model',
    args: () => ['upscale', photo, join(root, 'o6.png'), '--model', good, '--backend', 'cpu'],
    code: 'INVALID_ARGUMENT',
    says: /^--model: expected a super-resolution model/,
  },
  // Hostile checkpoints: refused before anything is built from them.
  {
    name: 'a header that is JSON null',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun('null-header', () => null),
      '--out',
      join(root, 'h1.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
  },
  {
    name: 'a header without optimizers',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun('no-optimizers', (header) => void delete header['optimizers']),
      '--out',
      join(root, 'h2.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /optimizers/,
  },
  {
    name: 'a negative tensor shape',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun(
        'negative-shape',
        (header) =>
          void ((header['generator'] as { weightSpecs: { shape: number[] }[] }).weightSpecs[0]!.shape = [-4, 8]),
      ),
      '--out',
      join(root, 'h3.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /shape/,
  },
  {
    name: 'step -5',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun('negative-step', (header) => void (header['step'] = -5)),
      '--out',
      join(root, 'h4.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /step/,
  },
  {
    name: 'a flipped weight bit',
    args: () => [
      'sample',
      '--checkpoint',
      hostileBytes('flipped-bit', (bytes) => {
        bytes[bytes.length - 1]! ^= 1;
        return bytes;
      }),
      '--out',
      join(root, 'h5.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_CHECKSUM',
  },
  {
    name: 'a truncated checkpoint',
    args: () => [
      'sample',
      '--checkpoint',
      hostileBytes('truncated', (bytes) => bytes.subarray(0, bytes.length - 100)),
      '--out',
      join(root, 'h6.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT',
  },
  {
    name: 'a file that is no checkpoint',
    args: () => [
      'sample',
      '--checkpoint',
      hostileBytes('not-a-checkpoint', () => Buffer.from('{"hello": "world"}')),
      '--out',
      join(root, 'h7.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT',
  },
  {
    name: 'metadata asking for 1e6-pixel images',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun('huge-size', (header) => void (runMetadata(header)['size'] = 1e6)),
      '--out',
      join(root, 'h8.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /metadata\.run\.size: expected one of 28, 32, 64, received 1000000/,
  },
  {
    name: 'metadata asking for -3 channels',
    args: () => [
      'eval',
      'fid',
      '--checkpoint',
      hostileRun('negative-channels', (header) => void (runMetadata(header)['channels'] = -3)),
      '--samples',
      '4',
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /metadata\.run\.channels/,
  },
  {
    name: 'metadata asking for a billion filters, on resume',
    args: () => [
      'train',
      'dcgan',
      '--dataset',
      'mnist',
      '--resume',
      '--steps',
      '5',
      '--out',
      hostileRun('huge-filters', (header) => void (runMetadata(header)['filters'] = 1e9)),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /metadata\.run\.filters: expected an integer from 1 to 1024, received 1000000000/,
  },
  {
    // In range, but not what the checkpoint's models take: the resumed models come from the checkpoint's
    // topology (within its weights' budget), and the record must describe them.
    name: 'metadata whose noise size is not the models’, on resume',
    args: () => [
      'train',
      'dcgan',
      '--dataset',
      'mnist',
      '--resume',
      '--steps',
      '5',
      '--backend',
      'cpu',
      '--out',
      hostileRun('wrong-latent-resume', (header) => void (runMetadata(header)['latentDim'] = 4096)),
    ],
    code: 'CHECKPOINT_MISMATCH',
    says: /metadata\.run\.latentDim: expected 8, what the checkpoint's models take, received 4096\./,
  },
  {
    name: 'metadata asking for a billion-wide noise',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun('huge-latent', (header) => void (runMetadata(header)['latentDim'] = 1e9)),
      '--out',
      join(root, 'h9.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /metadata\.run\.latentDim/,
  },
  {
    name: 'metadata whose noise size is not the generator’s',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun('wrong-latent', (header) => void (runMetadata(header)['latentDim'] = 4096)),
      '--out',
      join(root, 'h10.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_MISMATCH',
    says: /metadata\.run\.latentDim: expected 8/,
  },
  {
    name: 'a LAPGAN level asking for 99 levels',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun(
        'lapgan-99-levels',
        (header) =>
          void ((header['metadata'] as Record<string, unknown>)['lapgan'] = {
            level: 0,
            levels: 99,
            imageShape: [28, 28, 1],
            classes: 0,
          }),
        'level-0.gfckpt',
      ),
      '--out',
      join(root, 'h11.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /metadata\.(run|lapgan)/,
  },
  {
    name: 'metadata that is null',
    args: () => [
      'sample',
      '--checkpoint',
      hostileRun(
        'null-run',
        (header) => void (runMetadata(header) && ((header['metadata'] as Record<string, unknown>)['run'] = null)),
      ),
      '--out',
      join(root, 'h12.png'),
      '--backend',
      'cpu',
    ],
    code: 'CHECKPOINT_HEADER',
    says: /metadata\.run: expected an object of settings, received null/,
  },
];

beforeAll(() => {
  writePng(photo);
  writePng(existing);
  mkdirSync(emptyFolder);
  mkdirSync(textFolder);
  writeFileSync(join(textFolder, 'notes.txt'), 'not an image');
  writeFileSync(aFile, 'a file');
  mkdirSync(folderNamedPng);
  mkdirSync(bombFolder);
  writeImageBomb(bomb);
  const trained = ganforge('train', 'dcgan', '--dataset', 'mnist', '--steps', '2', '--out', good, ...tiny);
  expect(trained.stderr).not.toMatch(stackLine);
  expect(trained.status).toBe(0);
}, 120_000);

function expectOneErrorLine(
  result: { status: number | null; stdout: string; stderr: string },
  row: Pick<Row, 'code' | 'says'>,
) {
  expect(result.status, result.stderr).not.toBe(0);
  expect(result.status, result.stderr).not.toBeNull(); // null: killed by the 60 s timeout (it hung)
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith(cliErrorPrefix));
  expect(errorLines, result.stderr).toHaveLength(1);
  const line = errorLines[0]!.slice(cliErrorPrefix.length);
  expect(line.endsWith(` [${row.code}]`), line).toBe(true);
  if (row.says) expect(line).toMatch(row.says);
  expect(result.stdout + result.stderr).not.toMatch(stackLine);
}

describe('ganforge: hostile and mistaken inputs (issue 12)', () => {
  it('has at least 25 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  for (const row of rows) {
    it(`${row.name}: one line [${row.code}], no stack trace`, () => {
      expectOneErrorLine(ganforge(...row.args()), row);
    }, 90_000);
  }

  it('a FIFO as latest.gfckpt: one line, no hang', () => {
    const folder = join(root, 'fifo');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'latest.gfckpt')]);
    const result = ganforge('sample', '--checkpoint', folder, '--out', join(root, 'f.png'), '--backend', 'cpu');
    expect(result.signal, 'ganforge hung reading a FIFO and was killed').toBeNull();
    const line = result.stderr.split('\n').find((text) => text.startsWith(cliErrorPrefix));
    expect(line).toMatch(/\[(UNSAFE_PATH|CHECKPOINT)\]$/);
    expectOneErrorLine(result, { code: line!.slice(line!.lastIndexOf('[') + 1, -1) });
  }, 90_000);

  // The fault: a 4,096^2 photo upscaled x4 (268 MP) ran wasm out of memory after minutes and ended in a
  // stack trace (exit 70). The output's size is checked before it is allocated; here 8 x 8 at x16 =
  // 128 x 128 = 16,384 pixels (hand count) against a limit of 16,383.
  it('upscale refuses an output above GANFORGE_MAX_OUTPUT_PIXELS in one line, naming the value it needs', () => {
    const output = join(root, 'too-big.png');
    const args = ['upscale', photo, output, '--model', 'bicubic', '--scale', '16', '--backend', 'cpu'];
    const refused = ganforgeWith({ GANFORGE_MAX_OUTPUT_PIXELS: '16383' }, ...args);
    expectOneErrorLine(refused, {
      code: 'SIZE_LIMIT',
      says: /the upscaled image \(128 x 128: 8 x 8 at x16\): expected at most 16,383 pixels, received 16,384 pixels\. .*GANFORGE_MAX_OUTPUT_PIXELS=16384 /,
    });
    expect(existsSync(output)).toBe(false);
    expect(ganforgeWith({ GANFORGE_MAX_OUTPUT_PIXELS: '16384' }, ...args).status).toBe(0);
  }, 90_000);

  it('writes nothing and prints no tfjs banner on a forced cpu backend', () => {
    const grid = join(root, 'banner.png');
    const result = ganforge('sample', '--checkpoint', good, '--out', grid, '--count', '4', '--backend', 'cpu');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js in Node\.js/);
    expect(existsSync(grid)).toBe(true);
    // --overwrite replaces it; without, the file the user has is kept (the row above refuses it).
    expect(
      ganforge('sample', '--checkpoint', good, '--out', grid, '--count', '4', '--backend', 'cpu', '--overwrite').status,
    ).toBe(0);
  }, 90_000);
});

describe('ganforge train: one process per run folder', () => {
  it('a second run into a locked folder exits with one line naming the holder; Ctrl+C releases the lock; a later run works', async () => {
    const out = join(root, 'locked');
    // Many steps, so the first run is still training when the second starts; Ctrl+C ends it.
    const first = startGanforge('train', 'dcgan', '--dataset', 'mnist', '--steps', '100000', '--out', out, ...tiny);
    try {
      await waitFor(() => existsSync(join(out, '.ganforge.lock')), 'the first run to take the lock');
      const second = ganforge('train', 'dcgan', '--dataset', 'mnist', '--steps', '2', '--out', out, ...tiny);
      expectOneErrorLine(second, {
        code: 'RUN_FOLDER_LOCKED',
        says: new RegExp(`another process \\(pid ${first.pid} `),
      });
      // Once it trains (the progress line shows a step), Ctrl+C: it stops after the step, writes its checkpoint and unlocks.
      await waitFor(() => /step [1-9]/.test(first.output()), 'the first run to train a step');
      first.kill('SIGINT');
      expect(await exited(first), first.output()).toBe(0);
      expect(first.output()).not.toMatch(stackLine);
    } finally {
      first.kill('SIGKILL');
    }
    expect(existsSync(join(out, '.ganforge.lock'))).toBe(false);
    expect(existsSync(join(out, 'latest.gfckpt'))).toBe(true);
    // A later run takes the folder: it resumes for one step (GANFORGE_MAX_STEPS) and unlocks again.
    const later = ganforgeWith(
      { GANFORGE_MAX_STEPS: '1' },
      'train',
      'dcgan',
      '--dataset',
      'mnist',
      '--resume',
      '--steps',
      '100000',
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(later.status, later.stderr).toBe(0);
    expect(later.stdout).toMatch(/^Trained 1 steps /m);
    expect(existsSync(join(out, '.ganforge.lock'))).toBe(false);
  }, 300_000);
});

describe('ganforge train --resume: models from the checkpoint, not from its record', () => {
  it('srgan: a record asking for a 4096-filter discriminator resumes with the checkpoint’s own (no giant model is built)', () => {
    const photos = join(root, 'sr-photos');
    mkdirSync(photos);
    for (const name of ['a.png', 'b.png']) writePng(join(photos, name), 24, 24);
    const out = join(root, 'sr-run');
    const small = ['--images', photos, '--crop', '16', '--batch-size', '2', '--blocks', '1', '--filters', '4'];
    const started = ganforge(
      'train',
      'srgan',
      ...small,
      '--discriminator-filters',
      '4',
      '--steps',
      '1',
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(started.status, started.stderr).toBe(0);
    const { header, payload } = readCheckpoint(join(out, 'latest.gfckpt'));
    runMetadata(header)['discriminatorFilters'] = 4096;
    writeFileSync(join(out, 'latest.gfckpt'), checkpointBytes(header, payload));
    // Built from the record, the discriminator would not fit the checkpoint's weights (and would be huge).
    const resumed = ganforge(
      'train',
      'srgan',
      '--images',
      photos,
      '--resume',
      '--steps',
      '2',
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^Trained 1 steps \(2 in total/m);
  }, 180_000);
});
