import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { AdversarialTrainer, dcgan, encodeCheckpoint } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  expectResponsive,
  openStudio,
  type StudioSession,
  watchResponsiveness,
} from '../test-support/studio-browser.js';

// End to end in Chromium on the dev server: runs made by the built CLI in Node are imported through
// the Models panel's inputs, listed with the family and step the CLI reported, kept across a reload,
// exported back byte for byte (a zip is unzipped by `unzip` and read by the CLI again), refused with
// a message naming the file when they are wrong, and deleted.
//
// STUDIO_SCREENSHOTS=1 saves docs/images/studio-models.png with the imported runs listed.
const repository = new URL('../../../../', import.meta.url).pathname;
const cli = join(repository, 'packages/cli/dist/bin.js');
const screenshots = process.env['STUDIO_SCREENSHOTS'] === '1';
const run = promisify(execFile);

/** Runs the built CLI; returns its output (the CLI reports the steps it trained). */
async function ganforge(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [cli, ...args], { maxBuffer: 1 << 24 });
  return `${stdout}\n${stderr}`;
}

/** The total steps the CLI said it trained: the sum of every `(<n> in total)` (one per LAPGAN level). */
function stepsReported(output: string): number {
  const totals = [...output.matchAll(/\((\d+) in total/g)].map((match) => Number(match[1]));
  expect(totals.length).toBeGreaterThan(0);
  return totals.reduce((sum, steps) => sum + steps, 0);
}

const fast = ['--sample-every', '1000', '--checkpoint-every', '1000', '--backend', 'cpu', '--seed', '3'];

describe('the Models panel', () => {
  let folder: string;
  let session: StudioSession;
  const runs = {} as Record<'dcgan' | 'lapgan' | 'text2img', { folder: string; step: number }>;
  let bigCheckpoint: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ganforge-studio-models-'));
    const out = (name: string) => join(folder, name);
    const [dcganOutput, lapganOutput, textOutput] = await Promise.all([
      ganforge(
        'train',
        'dcgan',
        '--dataset',
        'mnist',
        '--out',
        out('dcgan-mnist'),
        '--steps',
        '3',
        '--batch-size',
        '8',
        '--filters',
        '4',
        '--latent-dim',
        '8',
        '--limit',
        '64',
        ...fast,
      ),
      ganforge(
        'train',
        'lapgan',
        '--dataset',
        'mnist',
        '--out',
        out('lapgan-mnist'),
        '--steps',
        '2',
        '--levels',
        '2',
        '--filters',
        '4',
        '--hidden-units',
        '16',
        '--batch-size',
        '8',
        '--limit',
        '64',
        ...fast,
      ),
      ganforge(
        'train',
        'text2img',
        '--dataset',
        'shapes',
        '--out',
        out('shapes-text2img'),
        '--steps',
        '2',
        '--encoder',
        'bag-of-words',
        '--encoder-steps',
        '2',
        '--size',
        '16',
        '--filters',
        '4',
        '--embedding-dim',
        '8',
        '--latent-dim',
        '8',
        '--batch-size',
        '4',
        '--limit',
        '16',
        ...fast,
      ),
    ]);
    runs.dcgan = { folder: out('dcgan-mnist'), step: stepsReported(dcganOutput) };
    runs.lapgan = { folder: out('lapgan-mnist'), step: stepsReported(lapganOutput) };
    runs.text2img = { folder: out('shapes-text2img'), step: stepsReported(textOutput) };

    // A big checkpoint, cheaply: an untrained DCGAN-64 with wide layers (no training step), recorded
    // like `train dcgan` records its run.
    await tf.setBackend('cpu');
    const models = dcgan({ size: 64, channels: 3, filters: 96, latentDim: 100 });
    const trainer = new AdversarialTrainer({ ...models, noise: { dim: 100 } });
    const checkpoint = await trainer.checkpoint({
      run: { dataset: 'folder', size: 64, channels: 3, latentDim: 100, filters: 96, conditional: false },
    });
    models.generator.dispose();
    models.discriminator.dispose();
    bigCheckpoint = out('dcgan-64-wide.gfckpt');
    writeFileSync(bigCheckpoint, encodeCheckpoint(checkpoint));
    session = await openStudio('dev', '?backend=wasm#models');
    await session.page.waitForSelector('#panel-models[data-runs]', { state: 'attached' });
  }, 170_000);

  afterAll(async () => {
    await session?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const page = () => session.page;

  /** Picks files (or a folder) in one of the panel's inputs and waits until the import ends. */
  async function importThrough(input: 'models-files' | 'models-folder', paths: string | string[]): Promise<void> {
    await page().setInputFiles(`[data-testid="${input}"]`, paths);
    await Promise.race([
      page().waitForFunction(
        () => !document.querySelector<HTMLElement>('#panel-models')!.dataset['importing'],
        undefined,
        {
          timeout: 60_000,
          polling: 50,
        },
      ),
      session.pageError,
    ]);
  }

  /** Waits until the panel lists `count` runs (it redraws after each change of the library). */
  const listed = (count: number) =>
    page().waitForFunction(
      (expected) => document.querySelector('#panel-models')?.getAttribute('data-runs') === String(expected),
      count,
    );

  const errorText = () =>
    page().$eval('[data-testid="models-error"]', (element) =>
      (element as HTMLElement).hidden ? '' : (element.textContent ?? ''),
    );

  /** The runs stored in the page's IndexedDB, read directly (not through the panel). */
  const storedRuns = () =>
    page().evaluate(
      () =>
        new Promise<{ name: string; family: string; step: number; fileNames: string[] }[]>((resolve, reject) => {
          const open = indexedDB.open('ganforge-studio');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction('runs').objectStore('runs').getAll();
            request.onsuccess = () => {
              resolve(request.result.map(({ name, family, step, fileNames }) => ({ name, family, step, fileNames })));
              open.result.close();
            };
            request.onerror = () => reject(request.error);
          };
        }),
    );

  /** The listed rows: name, family and step as shown. */
  const rows = () =>
    page().$$eval('[data-testid="models-list"] tr', (trs) =>
      (trs as HTMLTableRowElement[]).map((tr) => ({
        name: tr.querySelector('.models-name')!.textContent!,
        family: tr.querySelector('.models-family')!.textContent!,
        step: tr.cells[2]!.textContent!,
      })),
    );

  const row = (name: string) =>
    page().locator('[data-testid="models-list"] tr', { has: page().getByText(name, { exact: true }) });

  it('imports runs the CLI made (files, a folder) and lists them with their family and step', async () => {
    await importThrough('models-files', join(runs.dcgan.folder, 'latest.gfckpt'));
    expect(await errorText()).toBe('');
    // A run folder picked whole: its samples are skipped, its checkpoint and text encoder kept.
    await importThrough('models-folder', runs.text2img.folder);
    expect(await errorText()).toBe('');
    await importThrough('models-folder', runs.lapgan.folder);
    expect(await errorText()).toBe('');
    await listed(3);

    expect(await rows()).toEqual(
      expect.arrayContaining([
        { name: 'dcgan run', family: 'dcgan', step: String(runs.dcgan.step) },
        { name: 'shapes-text2img', family: 'text2img', step: String(runs.text2img.step) },
        { name: 'lapgan-mnist', family: 'lapgan', step: String(runs.lapgan.step) },
      ]),
    );
    const stored = await storedRuns();
    expect(stored.find((each) => each.family === 'text2img')?.fileNames.sort()).toEqual([
      'latest.gfckpt',
      'text-encoder.json',
    ]);
    expect(stored.find((each) => each.family === 'lapgan')?.fileNames.sort()).toEqual([
      'level-0.gfckpt',
      'level-1.gfckpt',
    ]);
  });

  it('stays responsive while a big checkpoint is checked and stored', async () => {
    const bytes = readFileSync(bigCheckpoint).byteLength;
    expect(bytes).toBeGreaterThan(40e6);
    await watchResponsiveness(page());
    await importThrough('models-files', bigCheckpoint);
    expect(await errorText()).toBe('');
    await listed(4);
    expect(await rows()).toContainEqual({ name: 'dcgan-64-wide', family: 'dcgan', step: '0' });
    const { frames } = await expectResponsive(page());
    expect(frames).toBeGreaterThan(0);
    if (screenshots) await page().screenshot({ path: join(repository, 'docs/images/studio-models.png') });
  });

  it('keeps the runs across a reload', async () => {
    const before = await rows();
    await page().reload();
    await listed(4);
    expect(await rows()).toEqual(before);
  });

  it('exports a one-checkpoint run byte for byte', async () => {
    const [download] = await Promise.all([
      page().waitForEvent('download'),
      row('dcgan run').getByRole('button', { name: 'Export' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('latest.gfckpt');
    const exported = readFileSync(await download.path());
    expect(exported.equals(readFileSync(join(runs.dcgan.folder, 'latest.gfckpt')))).toBe(true);
  });

  it('exports a run of several files as a zip the CLI reads once unzipped', async () => {
    for (const [name, source, files] of [
      ['shapes-text2img', runs.text2img.folder, ['latest.gfckpt', 'text-encoder.json']],
      ['lapgan-mnist', runs.lapgan.folder, ['level-0.gfckpt', 'level-1.gfckpt']],
    ] as const) {
      const [download] = await Promise.all([
        page().waitForEvent('download'),
        row(name).getByRole('button', { name: 'Export' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${name}.zip`);
      const zip = join(folder, `${name}.zip`);
      await download.saveAs(zip);
      const unzipped = join(folder, 'unzipped');
      mkdirSync(unzipped, { recursive: true });
      execFileSync('unzip', ['-o', '-q', zip, '-d', unzipped]);
      expect(readdirSync(join(unzipped, name)).sort()).toEqual([...files]);
      for (const file of files) {
        expect(readFileSync(join(unzipped, name, file)).equals(readFileSync(join(source, file)))).toBe(true);
      }
    }
    // Independent readers: the CLI samples each unzipped folder.
    const grid = (name: string) => join(folder, `${name}.png`);
    await ganforge(
      'text2img',
      '--checkpoint',
      join(folder, 'unzipped', 'shapes-text2img'),
      '--out',
      grid('text'),
      '--count',
      '2',
      '--backend',
      'cpu',
      'a red circle',
    );
    await ganforge(
      'sample',
      '--checkpoint',
      join(folder, 'unzipped', 'lapgan-mnist'),
      '--out',
      grid('lapgan'),
      '--count',
      '4',
      '--backend',
      'cpu',
    );
    expect(readFileSync(grid('text')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(grid('lapgan')).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('refuses wrong files with a message naming the file, and stores nothing', async () => {
    const wrong = join(folder, 'wrong');
    mkdirSync(wrong);
    const before = (await storedRuns()).length;

    const renamed = join(wrong, 'mnist.gfckpt');
    copyFileSync(join(runs.lapgan.folder, 'samples.png'), renamed);
    await importThrough('models-files', renamed);
    expect(await errorText()).toBe(
      'mnist.gfckpt: expected a GANForge checkpoint (a .gfckpt file written by `ganforge train`, starting with "GFCKPT01"), received a PNG image.',
    );

    const truncated = join(wrong, 'latest.gfckpt');
    const whole = readFileSync(join(runs.dcgan.folder, 'latest.gfckpt'));
    writeFileSync(truncated, whole.subarray(0, whole.byteLength - 1000));
    await importThrough('models-files', truncated);
    expect(await errorText()).toMatch(
      /^latest\.gfckpt: expected \d+ bytes, received \d+: the file is truncated or damaged\.$/,
    );

    const damaged = join(wrong, 'damaged.gfckpt');
    const flipped = Buffer.from(whole);
    flipped[flipped.byteLength - 10]! ^= 0xff;
    writeFileSync(damaged, flipped);
    await importThrough('models-files', damaged);
    expect(await errorText()).toMatch(
      /^damaged\.gfckpt: expected payload SHA-256 [0-9a-f]{64} .*received [0-9a-f]{64}/,
    );

    await importThrough('models-files', join(runs.text2img.folder, 'latest.gfckpt'));
    expect(await errorText()).toContain('latest.gfckpt: expected it together with text-encoder.json');
    expect(await errorText()).toContain('received no text-encoder.json');

    await importThrough('models-files', [
      join(runs.text2img.folder, 'latest.gfckpt'),
      join(runs.text2img.folder, 'text-encoder.json'),
      join(runs.lapgan.folder, 'level-0.gfckpt'),
    ]);
    expect(await errorText()).toContain('expected the checkpoints of one run, received a text2img checkpoint');

    expect((await storedRuns()).length).toBe(before);
    expect(await page().$eval('[data-testid="models-status"]', (element) => element.textContent)).toBe(
      'Import failed: nothing was stored.',
    );
  });

  it('refuses a URL that is not there', async () => {
    await page().fill('[data-testid="models-url"]', new URL('/runs/nothing-here/latest.gfckpt', session.url).href);
    await page().click('.models-url button');
    await page().waitForFunction(() => !document.querySelector<HTMLElement>('#panel-models')!.dataset['importing']);
    expect(await errorText()).toMatch(
      /nothing-here\/latest\.gfckpt: expected a \.gfckpt file, received (HTTP 404|a web page)/,
    );
    // Nothing listens there: the browser gives no response (as for a site that refuses CORS).
    await page().fill('[data-testid="models-url"]', 'http://127.0.0.1:9/runs/latest.gfckpt');
    await page().click('.models-url button');
    await page().waitForFunction(() => !document.querySelector<HTMLElement>('#panel-models')!.dataset['importing']);
    expect(await errorText()).toMatch(
      /^http:\/\/127\.0\.0\.1:9\/runs\/latest\.gfckpt: expected a \.gfckpt file, received no response .*\(CORS\)/,
    );
    // An empty field is not the page's own address (which would fetch the studio itself).
    await page().fill('[data-testid="models-url"]', '');
    await page().click('.models-url button');
    await page().waitForFunction(() => !document.querySelector<HTMLElement>('#panel-models')!.dataset['importing']);
    expect(await errorText()).toBe('the URL: expected the URL of a .gfckpt file or a run .zip, received nothing.');
  });

  it('takes a checkpoint dropped on the drop zone', async () => {
    const before = (await storedRuns()).length;
    const bytes = [...readFileSync(join(runs.dcgan.folder, 'latest.gfckpt'))];
    // A drop as the browser makes it for a file dragged from the desktop.
    await page().$eval(
      '[data-testid="models-drop"]',
      (zone, content) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(content)], 'dropped-mnist.gfckpt'));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      bytes,
    );
    await listed(before + 1);
    expect(await errorText()).toBe('');
    expect(await rows()).toContainEqual({ name: 'dropped-mnist', family: 'dcgan', step: String(runs.dcgan.step) });
  });

  it('deletes a run after a confirmation', async () => {
    const before = (await storedRuns()).length;
    await row('dcgan-64-wide').getByRole('button', { name: 'Delete' }).click();
    await row('dcgan-64-wide').getByRole('button', { name: 'Keep' }).click();
    expect((await storedRuns()).length).toBe(before);
    await row('dcgan-64-wide').getByRole('button', { name: 'Delete' }).click();
    await row('dcgan-64-wide').getByRole('button', { name: 'Yes, delete' }).click();
    await page().waitForFunction(
      (count) => document.querySelector('#panel-models')?.getAttribute('data-runs') === String(count),
      before - 1,
    );
    expect((await storedRuns()).map((each) => each.name)).not.toContain('dcgan-64-wide');
    expect(await rows()).not.toContainEqual(expect.objectContaining({ name: 'dcgan-64-wide' }));
  });
});
