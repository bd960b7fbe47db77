import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { AdversarialTrainer } from '@ganforge/core';
import { FileCheckpointStore } from '@ganforge/core/node';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { loadUpscalingModel, saveUpscalingModel } from '../inference/upscaling-model.js';
import { upscale } from '../inference/upscale.js';
import { srganDiscriminator } from '../models/srgan-discriminator.js';
import { srresnet } from '../models/srresnet.js';
import { bicubicResize } from '../resize/bicubic-resize.js';
import { fileSystemHandler, ModelNotFoundError, resolveUpscalingModel } from '../node.js';

const packageRoot = new URL('../..', import.meta.url).pathname;

describe('Node model loading', () => {
  it('saves and loads a generator as tfjs layers files with its upscaling metadata (file:// and folder)', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'ganforge-sr-')), 'model');
    const generator = srresnet({ blocks: 1, filters: 4, scale: 2, seed: 4 });
    await saveUpscalingModel(generator, pathToFileURL(folder).href, { scale: 2, padding: 8 });
    expect(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).userDefinedMetadata).toEqual({
      ganforge: { scale: 2, padding: 8 },
    });
    const fromUrl = await loadUpscalingModel(pathToFileURL(join(folder, 'model.json')).href);
    const fromFolder = await resolveUpscalingModel(folder);
    for (const loaded of [fromUrl, fromFolder]) {
      expect(loaded).toMatchObject({ scale: 2, padding: 8, inputRange: [-1, 1], outputRange: [-1, 1] });
      const input = tf.randomUniform([1, 5, 5, 3], -1, 1, 'float32', 1);
      const difference = (loaded.model.predict(input) as tf.Tensor)
        .sub(generator.predict(input) as tf.Tensor)
        .abs()
        .max();
      expect(difference.dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([input, difference]);
      loaded.model.dispose();
    }
    generator.dispose();
  });

  it('loads the generator of a GANForge run folder (latest.gfckpt)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-run-'));
    const trainer = new AdversarialTrainer({
      generator: srresnet({ blocks: 0, filters: 2, scale: 2 }),
      discriminator: srganDiscriminator({ size: 16, filters: 1, denseUnits: 2 }),
      noise: false,
    });
    await new FileCheckpointStore(folder).save(
      'latest',
      await trainer.checkpoint({ upscaling: { scale: 2, padding: 7 } }),
    );
    const loaded = await resolveUpscalingModel(folder);
    expect(loaded).toMatchObject({ scale: 2, padding: 7 });
    loaded.model.dispose();
    trainer.dispose();
    trainer.generator.dispose();
    trainer.discriminator.dispose();
  });

  it("loads UpscalerJS's @upscalerjs/esrgan-slim x4 (an RDN of plain Keras layers, pixels 0-255) and upscales with it", async () => {
    const esrgan = await resolveUpscalingModel('@upscalerjs/esrgan-slim', { scale: 4, from: packageRoot });
    expect(esrgan).toMatchObject({ scale: 4, inputRange: [0, 255], outputRange: [0, 255] });
    expect(esrgan.model.layers.map((layer) => layer.getClassName())).toContain('UpSampling2D');
    // A trained model keeps a smooth ramp close to its bicubic upscaling (a wrong pixel range would not).
    const ramp = tf.tidy(() => tf.linspace(40, 200, 12).reshape([1, 12, 1]).tile([12, 1, 3])) as tf.Tensor3D;
    const result = await upscale(esrgan, ramp, { patchSize: 12 });
    expect(result.shape).toEqual([48, 48, 3]);
    const error = tf.tidy(
      () =>
        result
          .sub(bicubicResize(ramp, { scale: 4 }))
          .slice([8, 8, 0], [32, 32, 3])
          .abs()
          .mean()
          .dataSync()[0]!,
    );
    expect(error).toBeLessThan(5);
    tf.dispose([ramp, result]);
    esrgan.model.dispose();
  });

  it('says where it looked when a model cannot be found', async () => {
    await expect(resolveUpscalingModel('@ganforge/no-such-model', { from: packageRoot })).rejects.toThrow(
      ModelNotFoundError,
    );
    await expect(resolveUpscalingModel('@ganforge/no-such-model', { from: packageRoot })).rejects.toThrow(
      /not a folder or file, nor an npm package.*npm install @ganforge\/no-such-model/,
    );
    const empty = mkdtempSync(join(tmpdir(), 'ganforge-empty-'));
    await expect(resolveUpscalingModel(empty)).rejects.toThrow(
      /has no model.json \(tfjs layers format\), model\/model.json or latest.gfckpt/,
    );
  });

  it('fileSystemHandler writes model.json and weights.bin', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-fs-'));
    const model = srresnet({ blocks: 0, filters: 2, scale: 2 });
    await model.save(fileSystemHandler(folder));
    const weightBytes = model.weights.reduce((sum, weight) => sum + 4 * weight.shape.reduce((a, b) => a! * b!, 1)!, 0);
    expect(statSync(join(folder, 'weights.bin')).size).toBe(weightBytes);
    model.dispose();
  });

  it('fileSystemHandler saves atomically: the temporaries of an interrupted save are gone after the next, none of its own stay', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-fs-'));
    // Names as writeFileAtomically gives them, of a process that has exited (its pid reaped by spawnSync).
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = [`.weights.bin.${deadPid}-0123456789ab.tmp`, `.model.json.${deadPid}-0123456789ab.tmp`];
    for (const name of stale) writeFileSync(join(folder, name), 'partial');
    const model = srresnet({ blocks: 0, filters: 2, scale: 2 });
    await model.save(fileSystemHandler(folder));
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    model.dispose();
  });
});
