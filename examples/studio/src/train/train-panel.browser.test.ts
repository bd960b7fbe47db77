import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeImage } from '@ganforge/data/node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  errorBanner,
  openStudio,
  expectResponsive,
  type StudioSession,
  watchResponsiveness,
} from '../test-support/studio-browser.js';
import { ganforge, repositoryRoot } from '../test-support/ganforge-cli.js';

// End to end in Chromium on WASM: the Train panel trains in its worker on the data sets the studio
// serves, on the dev server and on the built site. The saved DCGAN run is sampled by the built CLI
// (`ganforge sample --checkpoint <folder>`), an independent reader of the run folder.
//
// STUDIO_SCREENSHOTS=1 trains longer and saves docs/images/studio-train.png (DCGAN) and
// docs/images/studio-train-lapgan.png.
const repository = repositoryRoot;
const screenshots = process.env['STUDIO_SCREENSHOTS'] === '1';

/** Waits until `condition` holds in the page, failing at once if the page throws. */
async function until(session: StudioSession, condition: string, timeout = 180_000): Promise<void> {
  await Promise.race([
    session.page.waitForFunction(condition, undefined, { timeout, polling: 100 }),
    session.pageError,
  ]);
}

const stepOf = async (page: Page) => Number(await page.getAttribute('#train-step', 'data-step'));
const stepAtLeast = (step: number) => `Number(document.querySelector('#train-step')?.dataset.step) >= ${step}`;
const stateIs = (state: string) => `document.querySelector('#panel-train')?.dataset.state === '${state}'`;

/** The lowest and highest grey level of a canvas (a blank canvas has one value). */
async function greyRange(page: Page, selector: string): Promise<{ min: number; max: number; width: number }> {
  return page.$eval(selector, (canvas) => {
    const element = canvas as HTMLCanvasElement;
    const pixels = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
    let min = 255;
    let max = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      min = Math.min(min, pixels[i]!);
      max = Math.max(max, pixels[i]!);
    }
    return { min, max, width: element.width };
  });
}

/** The runs in the page's library, read from IndexedDB directly (not through the panel); files in base64. */
async function libraryRuns(page: Page) {
  const runs = await page.evaluate(
    () =>
      new Promise<{ id: string; name: string; family: string; step: number; files: Record<string, string> }[]>(
        (resolve, reject) => {
          const base64 = (bytes: Uint8Array) => {
            let text = '';
            for (let i = 0; i < bytes.length; i += 0x8000)
              text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            return btoa(text);
          };
          const open = indexedDB.open('ganforge-studio');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction('runs').objectStore('runs').getAll();
            request.onerror = () => reject(request.error);
            request.onsuccess = () =>
              resolve(
                (
                  request.result as {
                    id: string;
                    name: string;
                    family: string;
                    step: number;
                    files: Record<string, Uint8Array>;
                  }[]
                ).map((run) => ({
                  ...run,
                  files: Object.fromEntries(Object.entries(run.files).map(([name, bytes]) => [name, base64(bytes)])),
                })),
              );
          };
        },
      ),
  );
  return runs.map((run) => ({
    ...run,
    files: Object.fromEntries(Object.entries(run.files).map(([name, text]) => [name, Buffer.from(text, 'base64')])),
  }));
}

/** Writes a run's files into `runFolder` and samples 16 pictures from it with `ganforge sample` (Node, the CLI's reader). */
async function sampleWithCli(runFolder: string, files: Readonly<Record<string, Uint8Array>>) {
  mkdirSync(runFolder);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(runFolder, name), bytes);
  const grid = `${runFolder}-grid.png`;
  ganforge('sample', '--checkpoint', runFolder, '--out', grid, '--count', '16', '--backend', 'wasm', '--threads', '1');
  return decodeImage(readFileSync(grid), grid);
}

async function startTraining(session: StudioSession, model: string, dataset: string): Promise<void> {
  await session.page.selectOption('#train-model', model);
  await session.page.selectOption('#train-dataset', dataset);
  await session.page.click('#train-start');
  await until(session, stateIs('running'));
}

async function stopTraining(session: StudioSession): Promise<void> {
  await session.page.click('#train-stop');
  await until(session, stateIs('idle'));
}

it('on the dev server, MNIST loads and a DCGAN trains and draws its samples', async () => {
  const session = await openStudio('dev', '?backend=wasm#train');
  try {
    await startTraining(session, 'dcgan', 'mnist');
    await until(session, stepAtLeast(5));
    // The IDX file reached the worker whole: 10,000 images.
    expect(await session.page.textContent('#train-status')).toContain('Training on 10,000 images');
    const samples = await greyRange(session.page, '#train-samples');
    expect(samples.width).toBeGreaterThan(28);
    expect(samples.max - samples.min).toBeGreaterThan(20);
    await stopTraining(session);
    expect(await errorBanner(session.page)).toBe('');
  } finally {
    await session.close();
  }
});

describe('the built site', () => {
  let session: StudioSession;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ganforge-studio-train-'));
    session = await openStudio('built', '?backend=wasm#train');
  });
  afterAll(async () => {
    await session?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('trains a DCGAN on Fashion-MNIST live, with single updates, live settings and a saved run the CLI samples', async () => {
    const { page } = session;
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await watchResponsiveness(page);
    await startTraining(session, 'dcgan', 'fashion-mnist');
    expect(await page.textContent('#train-backend')).toMatch(/backend: wasm \(WebAssembly/);
    await until(session, stepAtLeast(25));
    const tensorsEarly = Number(await page.getAttribute('#train-tensors', 'data-count'));
    const rowsEarly = Number(await page.getAttribute('#train-history', 'data-rows'));
    await until(session, stepAtLeast(screenshots ? 300 : 60), 400_000);

    for (const grid of ['#train-samples', '#train-fixed']) {
      const range = await greyRange(page, grid);
      expect(range.max - range.min, grid).toBeGreaterThan(50);
    }
    expect(Number(await page.getAttribute('#train-chart', 'data-points'))).toBeGreaterThan(20);
    // uPlot drew the series: one path per loss, with many points.
    expect(await page.locator('#train-chart canvas').count()).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('#train-history', 'data-rows'))).toBeGreaterThan(rowsEarly);
    // Training allocates nothing that stays: the worker's tensor count is the same many steps later.
    expect(Number(await page.getAttribute('#train-tensors', 'data-count'))).toBe(tensorsEarly);

    // A learning-rate change is sent to the running trainer and acknowledged.
    await page.fill('#train-lr-d', '0.0001');
    await page.dispatchEvent('#train-lr-d', 'change');
    await until(
      session,
      `document.querySelector('#train-status').textContent.includes('Learning rates now G 0.0003, D 0.0001')`,
    );
    await page.fill('#train-k', '2');
    await page.dispatchEvent('#train-k', 'change');
    await until(
      session,
      `document.querySelector('#train-status').textContent.includes('Now 2 D updates per G update')`,
    );

    await page.click('#train-pause');
    await until(session, stateIs('paused'));
    // The panel is paused once the worker has halted and sent its last round's progress.
    const paused = await stepOf(page);
    await page.click('#train-d-step');
    await until(session, stepAtLeast(paused + 1));
    await until(session, `!document.querySelector('#train-g-step').disabled`);
    expect(await stepOf(page)).toBe(paused + 1);
    await page.click('#train-g-step');
    await until(session, stepAtLeast(paused + 2));
    await until(session, `!document.querySelector('#train-d-step').disabled`);
    expect(await stepOf(page)).toBe(paused + 2);
    await page.click('#train-pause');
    await until(session, stepAtLeast(paused + 6));

    if (screenshots) {
      await page.screenshot({ path: join(repository, 'docs/images/studio-train.png'), fullPage: true });
      console.log(
        `studio-train.png: DCGAN on Fashion-MNIST, ${await page.textContent('#train-step')}, ${await page.textContent('#train-backend')}`,
      );
    }
    const trained = await stepOf(page);
    await stopTraining(session);
    await expectResponsive(page);
    expect(await page.textContent('#train-status')).toContain('saved "DCGAN on Fashion-MNIST" (latest.gfckpt)');
    expect(await errorBanner(page)).toBe('');

    const runs = (await libraryRuns(page)).filter((run) => run.family === 'dcgan');
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.step).toBeGreaterThanOrEqual(trained);
    expect(Object.keys(run.files)).toEqual(['latest.gfckpt']);
    // The CLI reads the run folder as one of its own: `ganforge sample --checkpoint <folder>`.
    const image = await sampleWithCli(join(folder, 'dcgan-run'), run.files);
    expect(image.width).toBeGreaterThan(28 * 4);

    // Continue it from the library (what the Models panel's Continue does): training goes on from its step.
    await page.evaluate(
      (id) => document.getElementById('panel-train')!.dispatchEvent(new CustomEvent('studio:open-run', { detail: id })),
      run.id,
    );
    await until(session, stateIs('running'));
    await until(session, stepAtLeast(run.step + 3));
    await stopTraining(session);
    const continued = (await libraryRuns(page)).filter((stored) => stored.family === 'dcgan');
    expect(continued).toHaveLength(1);
    expect(continued[0]!.step).toBeGreaterThanOrEqual(run.step + 3);
  });

  it('trains a LAPGAN level by level together and shows its pyramid: coarse, residual and refined images', async () => {
    const { page } = session;
    await page.fill('#train-k', '1');
    await startTraining(session, 'lapgan', 'mnist');
    await until(session, stepAtLeast(screenshots ? 200 : 10), 400_000);
    await until(session, `document.querySelectorAll('#train-pyramid .train-pyramid-level').length === 3`);
    // Every level took the same number of steps (one each per round).
    expect(await page.textContent('#train-step')).toMatch(/levels (\d+) \/ \1 \/ \1/);
    for (const level of [0, 1]) {
      for (const kind of ['coarse', 'residual', 'refined']) {
        const range = await greyRange(page, `#train-pyramid [data-level="${level}"] [data-kind="${kind}"] canvas`);
        expect(range.max - range.min, `level ${level} ${kind}`).toBeGreaterThan(10);
      }
    }
    const coarsest = await greyRange(page, '#train-pyramid [data-level="2"] [data-kind="refined"] canvas');
    expect(coarsest.max - coarsest.min).toBeGreaterThan(10);
    if (screenshots) {
      await page.screenshot({ path: join(repository, 'docs/images/studio-train-lapgan.png'), fullPage: true });
      console.log(
        `studio-train-lapgan.png: LAPGAN on MNIST, ${await page.textContent('#train-step')}, ${await page.textContent('#train-backend')}`,
      );
    }
    await stopTraining(session);
    expect(await errorBanner(page)).toBe('');
    const runs = (await libraryRuns(page)).filter((run) => run.family === 'lapgan');
    expect(runs).toHaveLength(1);
    expect(Object.keys(runs[0]!.files).sort()).toEqual(['level-0.gfckpt', 'level-1.gfckpt', 'level-2.gfckpt']);
    // The CLI samples it as one of its own LAPGAN runs (it reassembles the levels from their checkpoints).
    expect((await sampleWithCli(join(folder, 'lapgan-run'), runs[0]!.files)).width).toBeGreaterThan(28 * 4);
  });

  it('a failed data fetch shows in the page and Start works again', async () => {
    const { page } = session;
    await page.route('**/data/*.idx', (route) => route.abort('connectionrefused'));
    await page.selectOption('#train-model', 'dcgan');
    await page.selectOption('#train-dataset', 'mnist');
    await page.click('#train-start');
    await until(session, `document.querySelector('#panel-train')?.dataset.failed === 'true'`);
    expect(await page.textContent('#train-status')).toContain('Could not fetch the MNIST images');
    expect(await errorBanner(page)).toContain('Could not fetch the MNIST images');
    expect(await page.isEnabled('#train-start')).toBe(true);
    // With the server reachable again, Start trains.
    await page.unroute('**/data/*.idx');
    await page.click('#train-start');
    await until(session, stepAtLeast(2));
    await stopTraining(session);
  });
});
