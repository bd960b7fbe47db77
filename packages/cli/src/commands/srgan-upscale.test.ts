import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';

// `errors` is all of stderr but the informational lines: tfjs's banner no longer needs filtering.
import { ganforge } from '../test-support/run-ganforge.js';

function writePhoto(path: string, width: number, height: number, seed: number): void {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      png.data[i] = (x * 7 + seed * 31) % 256;
      png.data[i + 1] = (y * 5 + x * 3) % 256;
      png.data[i + 2] = Math.round(127 + 120 * Math.sin((x + y + seed) / 5));
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

const root = mkdtempSync(join(tmpdir(), 'ganforge-sr-cli-'));
const photos = join(root, 'photos');
const tiny = ['--images', photos, '--crop', '16', '--batch-size', '2', '--backend', 'cpu'];

beforeAll(() => {
  mkdirSync(photos);
  writePhoto(join(photos, 'a.png'), 40, 32, 1);
  writePhoto(join(photos, 'b.png'), 24, 36, 2);
  writePhoto(join(photos, 'test.png'), 20, 20, 3);
});

describe('ganforge train srresnet | srgan and ganforge upscale', () => {
  it('pre-trains an SRResNet, fine-tunes it as SRGAN, and upscales with both and with bicubic', () => {
    const srresnetRun = join(root, 'srresnet');
    const first = ganforge(
      'train',
      'srresnet',
      ...tiny,
      '--exclude',
      'test.png',
      '--out',
      srresnetRun,
      '--steps',
      '2',
      '--blocks',
      '1',
      '--filters',
      '4',
    );
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('[ganforge] training on 2 photos: a.png, b.png');
    expect(first.stdout).toMatch(/Trained 2 steps \(stopped by steps\)/);
    const metadata = JSON.parse(readFileSync(join(srresnetRun, 'model', 'model.json'), 'utf8')).userDefinedMetadata;
    expect(metadata).toEqual({ ganforge: { scale: 4, padding: 10 } });

    const srganRun = join(root, 'srgan');
    const second = ganforge(
      'train',
      'srgan',
      ...tiny,
      '--exclude',
      'test.png',
      '--init',
      srresnetRun,
      '--out',
      srganRun,
      '--steps',
      '2',
      '--discriminator-filters',
      '2',
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Trained 2 steps \(2 in total, stopped by steps\)/);
    expect(existsSync(join(srganRun, 'latest.gfckpt'))).toBe(true);
    expect(existsSync(join(srganRun, 'model', 'model.json'))).toBe(true);

    for (const model of [srganRun, join(srresnetRun, 'model'), 'bicubic']) {
      const output = join(root, `up-${model.split('/').at(-1)}.png`);
      const run = ganforge(
        'upscale',
        join(photos, 'test.png'),
        output,
        '--model',
        model,
        '--patch-size',
        '8',
        '--backend',
        'cpu',
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Wrote .* \(80x80\)/);
      const png = PNG.sync.read(readFileSync(output));
      expect([png.width, png.height]).toEqual([80, 80]);
    }
  });

  it('names what is missing: a stopping rule, VGG weights, a model', () => {
    const noStop = ganforge('train', 'srresnet', ...tiny, '--out', join(root, 'x'));
    expect(noStop.code).toBe(2);
    expect(noStop.errors).toMatch(/^ganforge: --steps \/ --minutes: expected at least one of them/);
    const vgg = ganforge(
      'train',
      'srgan',
      ...tiny,
      '--out',
      join(root, 'y'),
      '--steps',
      '1',
      '--content',
      'vgg54',
      '--blocks',
      '0',
      '--filters',
      '2',
    );
    expect(vgg.code).toBe(2);
    expect(vgg.errors).toMatch(/^ganforge: --vgg-weights: expected a URL or file:\/\/ path to VGG19 weights/);
    const missing = ganforge(
      'upscale',
      join(photos, 'test.png'),
      join(root, 'z.png'),
      '--model',
      '@ganforge/no-such-model',
      '--backend',
      'cpu',
    );
    expect(missing.code).toBe(2);
    // The library's "model" argument is named by the flag the user typed.
    expect(missing.errors).toMatch(
      /^ganforge: --model: '@ganforge\/no-such-model' is not a folder or file, nor an npm package.* \[FILE_NOT_FOUND\]$/,
    );
  });
});
