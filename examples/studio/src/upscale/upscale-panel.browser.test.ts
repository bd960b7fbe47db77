import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readImage } from '@ganforge/data/node';
import { psnr, ssim } from '@ganforge/metrics';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  errorBanner,
  openStudio,
  expectResponsive,
  type StudioSession,
  watchResponsiveness,
} from '../test-support/studio-browser.js';
import { ganforge, repositoryRoot } from '../test-support/ganforge-cli.js';

// End to end on the built studio in Chromium, WASM backend: tiny SRResNet / SRGAN runs trained here
// by the CLI are loaded through the page, photos upscaled in the worker, and the page's results
// checked against Node's own `ganforge upscale` and the metrics package.
const fixtures = new URL('./test-fixtures/', import.meta.url).pathname;
const repository = repositoryRoot;

let folder: string;
let studio: StudioSession;
let page: Page;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ganforge-studio-upscale-'));
  const tiny = ['--images', fixtures, '--steps', '2', '--blocks', '1', '--filters', '8', '--crop', '24'];
  const small = ['--batch-size', '2', '--scale', '2', '--threads', '1', '--backend', 'wasm'];
  ganforge('train', 'srresnet', ...tiny, ...small, '--out', join(folder, 'srresnet'));
  ganforge('train', 'srgan', ...tiny, ...small, '--discriminator-filters', '8', '--out', join(folder, 'srgan'));
  // The CLI reads a run folder's model/ first; this folder holds only the checkpoint the page loads.
  mkdirSync(join(folder, 'srgan-checkpoint'));
  copyFileSync(join(folder, 'srgan', 'latest.gfckpt'), join(folder, 'srgan-checkpoint', 'latest.gfckpt'));
  studio = await openStudio('built', '?backend=wasm#upscale');
  page = studio.page;
  await page.waitForSelector('#upscale-start');
}, 300_000);

afterAll(async () => {
  await studio?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const modelStatus = () => page.textContent('#upscale-model-status');

async function loadModel(...paths: string[]): Promise<void> {
  const before = await modelStatus();
  await page.setInputFiles('#upscale-model-files', paths);
  await page.waitForFunction((previous) => {
    const text = document.querySelector('#upscale-model-status')!.textContent ?? '';
    return text !== previous && !text.startsWith('Loading');
  }, before);
}

/** Clicks Upscale and waits for the status line to say it finished, was cancelled or failed. */
async function upscaleAndWait(): Promise<string> {
  await page.click('#upscale-start');
  await Promise.race([
    page.waitForFunction(
      () => /^(Done|Cancelled|The upscale failed)/.test(document.querySelector('#upscale-status')!.textContent ?? ''),
      undefined,
      {
        timeout: 180_000,
      },
    ),
    studio.pageError,
  ]);
  return (await page.textContent('#upscale-status')) ?? '';
}

async function downloadPixels(selector: string, name: string): Promise<tf.Tensor3D> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = join(folder, name);
  await download.saveAs(path);
  return (await readImage(path, { channels: 3 })) as tf.Tensor3D;
}

it('loads an SRGAN checkpoint, upscales a photo in the worker and downloads the same pixels as `ganforge upscale`', async () => {
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await loadModel(join(folder, 'srgan', 'latest.gfckpt'));
  expect(await modelStatus()).toMatch(/^latest\.gfckpt: SRGAN x2, step 2, .* backend wasm/);
  await page.setInputFiles('#upscale-photo', join(fixtures, 'astronaut-64.png'));
  await watchResponsiveness(page);
  expect(await upscaleAndWait()).toBe('Done: 128x128.');
  expect(await page.evaluate(() => document.querySelector<HTMLProgressElement>('#upscale-progress')!.value)).toBe(1);
  expect(await page.textContent('#upscale-percent')).toBe('100 %');
  // The slider shows both, at the model's size (scale x the photo).
  const sizes = await page.evaluate(() =>
    ['#upscale-before', '#upscale-after'].map((id) => {
      const image = document.querySelector<HTMLImageElement>(id)!;
      return [image.complete, image.naturalWidth, image.naturalHeight];
    }),
  );
  expect(sizes).toEqual([
    [true, 128, 128],
    [true, 128, 128],
  ]);
  expect(await page.isVisible('img-comparison-slider#upscale-compare')).toBe(true);
  // The page's thread stayed free while the worker upscaled.
  await expectResponsive(page);

  const downloaded = await downloadPixels('#upscale-download', 'page.png');
  expect(downloaded.shape).toEqual([128, 128, 3]);
  // Node's own path: the CLI loads the same checkpoint (decodeCheckpoint -> loadGenerator) on its wasm backend.
  const reference = join(folder, 'cli.png');
  ganforge(
    'upscale',
    join(fixtures, 'astronaut-64.png'),
    reference,
    '--model',
    join(folder, 'srgan-checkpoint'),
    '--backend',
    'wasm',
    '--threads',
    '1',
  );
  const expected = await readImage(reference, { channels: 3 });
  // Same backend (tfjs-backend-wasm, XNNPACK), but the page computes on 1 or more threads: a float sum
  // may round differently, which moves a pixel by at most one level after rounding to 8 bits.
  const difference = tf.tidy(() => downloaded.toFloat().sub(expected.toFloat()).abs());
  expect((await difference.max().data())[0]).toBeLessThanOrEqual(1);
  expect((await difference.mean().data())[0]).toBeLessThan(0.01);
  tf.dispose([downloaded, expected, difference]);
  expect(await errorBanner(page)).toBe('');
});

it("in original mode shows PSNR and SSIM on Y that the metrics package gives for the page's own images", async () => {
  // A `train srresnet` run: its model/ folder (model.json + weights.bin), picked as two files.
  await loadModel(join(folder, 'srresnet', 'model', 'model.json'), join(folder, 'srresnet', 'model', 'weights.bin'));
  expect(await modelStatus()).toMatch(/^model\.json, weights\.bin: SRResNet x2, 8,083 parameters/);
  await page.check('#upscale-original-mode');
  await page.setInputFiles('#upscale-photo', join(fixtures, 'coffee-96.png'));
  expect(await upscaleAndWait()).toBe('Done: 96x96.');
  expect(await page.textContent('#upscale-quality-caption')).toMatch(/96x96.*Y.*2 px border/);
  const shown = Object.fromEntries(
    await Promise.all(
      ['bicubic-psnr', 'bicubic-ssim', 'model-psnr', 'model-ssim'].map(async (id) => [
        id,
        Number(await page.getAttribute(`#upscale-${id}`, 'data-value')),
      ]),
    ),
  ) as Record<string, number>;
  const model = await downloadPixels('#upscale-download', 'original-mode-model.png');
  const bicubic = await downloadPixels('#upscale-download-bicubic', 'original-mode-bicubic.png');
  const original = await readImage(join(fixtures, 'coffee-96.png'), { channels: 3 });
  // `ganforge eval psnr|ssim`'s convention: 8-bit values, Y (BT.601), the scale cropped at each border.
  const options = { inputRange: [0, 255] as const, channel: 'y' as const, cropBorder: 2 };
  const expected = {
    'bicubic-psnr': (await psnr(bicubic, original, options)).values[0]!,
    'bicubic-ssim': (await ssim(bicubic, original, options)).values[0]!,
    'model-psnr': (await psnr(model, original, options)).values[0]!,
    'model-ssim': (await ssim(model, original, options)).values[0]!,
  };
  for (const [key, value] of Object.entries(expected)) expect(Math.abs(shown[key]! - value), key).toBeLessThan(1e-3);
  // Bicubic of a bicubic-shrunk photo is a real baseline, not the original itself.
  expect(expected['bicubic-psnr']).toBeGreaterThan(20);
  expect(expected['bicubic-psnr']).toBeLessThan(60);
  tf.dispose([model, bicubic, original]);
  await page.uncheck('#upscale-original-mode');
});

it('cancels an upscale mid-way (no output, worker memory back where it was), then upscales again', async () => {
  const memory = () => page.getAttribute('#upscale-memory', 'data-tensors');
  const before = await memory();
  expect(before).not.toBeNull();
  // A larger photo in small tiles: hundreds of tiles, so Cancel lands mid-way.
  const large = execFileSync(
    process.execPath,
    [
      '-e',
      `import('sharp').then(({ default: sharp }) => sharp(${JSON.stringify(join(fixtures, 'astronaut-64.png'))}).resize(384, 384).png().toBuffer()).then((b) => process.stdout.write(b))`,
    ],
    { cwd: join(repository, 'packages/data') },
  );
  writeFileSync(join(folder, 'large.png'), large);
  await page.setInputFiles('#upscale-photo', join(folder, 'large.png'));
  await page.fill('#upscale-tile', '16');
  await watchResponsiveness(page);
  await page.click('#upscale-start');
  await page.waitForFunction(() =>
    /tile [1-9]\d* of 576/.test(document.querySelector('#upscale-status')!.textContent ?? ''),
  );
  await page.click('#upscale-cancel');
  await page.waitForFunction(() =>
    /^(Done|Cancelled|The upscale failed)/.test(document.querySelector('#upscale-status')!.textContent ?? ''),
  );
  expect(await page.textContent('#upscale-status')).toBe('Cancelled: no output.');
  expect(
    await page.evaluate(() => document.querySelector<HTMLProgressElement>('#upscale-progress')!.value),
  ).toBeLessThan(1);
  expect(await page.isHidden('#upscale-result')).toBe(true);
  await page.waitForFunction(
    (count) => document.querySelector('#upscale-memory')!.getAttribute('data-tensors') === count,
    before,
  );
  await expectResponsive(page);

  await page.fill('#upscale-tile', '64');
  // This time the photo is dropped on the panel.
  await page.evaluate(
    (base64) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
      transfer.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
      document.querySelector('#upscale-drop')!.dispatchEvent(drop);
    },
    readFileSync(join(fixtures, 'astronaut-64.png')).toString('base64'),
  );
  expect(await page.textContent('#upscale-status')).toMatch(/^Photo: dropped\.png/);
  expect(await upscaleAndWait()).toBe('Done: 128x128.');
  expect(await memory()).toBe(before);
  expect(await errorBanner(page)).toBe('');
});

it('says in the page what is wrong with a truncated checkpoint and with files that are not a model', async () => {
  const checkpoint = readFileSync(join(folder, 'srgan', 'latest.gfckpt'));
  writeFileSync(join(folder, 'truncated.gfckpt'), checkpoint.subarray(0, checkpoint.length >> 1));
  await loadModel(join(folder, 'truncated.gfckpt'));
  expect(await modelStatus()).toMatch(/^Could not load the model: truncated\.gfckpt: .*truncated/);
  expect(await errorBanner(page)).toMatch(/truncated\.gfckpt/);

  copyFileSync(join(fixtures, 'coffee-96.png'), join(folder, 'photo.gfckpt'));
  await loadModel(join(folder, 'photo.gfckpt'));
  expect(await modelStatus()).toMatch(/photo\.gfckpt: expected a GANForge checkpoint .*received/);

  writeFileSync(join(folder, 'notes.txt'), 'not a model');
  await loadModel(join(folder, 'notes.txt'));
  expect(await modelStatus()).toMatch(/notes\.txt: expected .*received/);

  writeFileSync(join(folder, 'model.json'), '{"format": "nothing"}');
  await loadModel(join(folder, 'model.json'));
  expect(await modelStatus()).toMatch(
    /model\.json: expected the model\/ folder of a `ganforge train srresnet\|srgan` run/,
  );
  // A refused model is not kept: Upscale waits for a good one.
  expect(await page.isDisabled('#upscale-start')).toBe(true);
});

it('loads runs from the library, from a run folder and from a URL', async () => {
  // The checkpoint and the model folder loaded above were kept in the library.
  const runs = await page.$$eval('#upscale-run option', (options) => options.map((option) => option.textContent));
  expect(runs).toEqual(
    expect.arrayContaining([expect.stringMatching(/srgan · step 2/), expect.stringMatching(/srresnet/)]),
  );
  const srgan = await page.$eval(
    '#upscale-run',
    (select) => [...(select as HTMLSelectElement).options].find((option) => option.text.includes('srgan'))!.value,
  );
  await page.selectOption('#upscale-run', srgan);
  const before = await modelStatus();
  await page.click('#upscale-use-run');
  await page.waitForFunction((previous) => {
    const text = document.querySelector('#upscale-model-status')!.textContent ?? '';
    return text !== previous && !text.startsWith('Loading');
  }, before);
  expect(await modelStatus()).toMatch(/^the library run: SRGAN x2, step 2/);
  // The Models panel opens a run here with context.openPanel('upscale', { runId }), which sends this event.
  await page.setInputFiles('#upscale-model-folder', join(folder, 'srresnet'));
  await page.waitForFunction(() =>
    /^srresnet: /.test(document.querySelector('#upscale-model-status')!.textContent ?? ''),
  );
  await page.evaluate((id) => {
    document.querySelector('#panel-upscale')!.dispatchEvent(new CustomEvent('studio:open-run', { detail: id }));
  }, srgan);
  await page.waitForFunction(() =>
    /^the library run: SRGAN/.test(document.querySelector('#upscale-model-status')!.textContent ?? ''),
  );
  expect(await page.inputValue('#upscale-run')).toBe(srgan);

  await page.setInputFiles('#upscale-model-folder', join(folder, 'srresnet'));
  await page.waitForFunction(() =>
    /^srresnet|Could not/.test(document.querySelector('#upscale-model-status')!.textContent ?? ''),
  );
  // Its run.json gives the step a model.json does not record.
  expect(await modelStatus()).toMatch(/^srresnet: SRResNet x2, step 2, /);

  // The studio's own origin serves the checkpoint here (a real site must allow CORS for other origins).
  const url = new URL('runs/srgan/latest.gfckpt', studio.url).href;
  await page.route(url, (route) => route.fulfill({ body: checkpoint(), contentType: 'application/octet-stream' }));
  await page.fill('#upscale-model-url', url);
  await page.click('#upscale-load-url');
  await page.waitForFunction(
    () => !/^(Loading|srresnet)/.test(document.querySelector('#upscale-model-status')!.textContent ?? ''),
  );
  expect(await modelStatus()).toMatch(/SRGAN x2, step 2/);
  await page.setInputFiles('#upscale-photo', join(fixtures, 'astronaut-64.png'));
  expect(await upscaleAndWait()).toBe('Done: 128x128.');
});

const checkpoint = () => readFileSync(join(folder, 'srgan', 'latest.gfckpt'));

// STUDIO_SCREENSHOTS=1 STUDIO_SR_RUN=<a longer-trained `train srresnet|srgan` run folder> saves the docs' screenshot.
const screenshotRun = process.env['STUDIO_SCREENSHOTS'] === '1' ? process.env['STUDIO_SR_RUN'] : undefined;
if (screenshotRun) {
  it('saves docs/images/studio-upscale.png after a real run in original mode', async () => {
    // A fresh page: the banner of the failure tests above is not part of the picture.
    await page.reload();
    await page.waitForSelector('#upscale-start');
    await page.setInputFiles('#upscale-model-folder', screenshotRun);
    await page.waitForFunction(() =>
      / x\d|Could not/.test(document.querySelector('#upscale-model-status')!.textContent ?? ''),
    );
    expect(await modelStatus()).toMatch(/(SRResNet|SRGAN) x4/);
    await page.check('#upscale-original-mode');
    await page.fill('#upscale-tile', '64');
    await page.setInputFiles('#upscale-photo', '/work/shared/data/photos/skimage_astronaut.png');
    expect(await upscaleAndWait()).toMatch(/^Done/);
    await page.evaluate(() => document.querySelector('#upscale-result')!.scrollIntoView());
    await page.screenshot({ path: join(repository, 'docs/images/studio-upscale.png'), fullPage: true });
    const cell = (id: string) => page.getAttribute(`#upscale-${id}`, 'data-value');
    console.log(
      `studio-upscale.png: ${await modelStatus()}; PSNR/SSIM bicubic ${await cell('bicubic-psnr')} / ` +
        `${await cell('bicubic-ssim')}, model ${await cell('model-psnr')} / ${await cell('model-ssim')}`,
    );
  }, 600_000);
}
