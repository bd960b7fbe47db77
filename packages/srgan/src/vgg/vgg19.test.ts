import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { InvalidArgumentError } from '@ganforge/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fileSystemHandler } from '../node/file-system-handler.js';
import '../node.js';
import { WeightsLoadError } from './load-layer-weights.js';
import { vgg19, vgg19LayerNames } from './vgg19.js';
import { vgg19FeatureExtractor } from './vgg19-feature-extractor.js';

// Keras' VGG19(include_top=False).layers[1:], written out from the Keras source (applications/vgg19.py).
const kerasNames = [
  'block1_conv1', 'block1_conv2', 'block1_pool',
  'block2_conv1', 'block2_conv2', 'block2_pool',
  'block3_conv1', 'block3_conv2', 'block3_conv3', 'block3_conv4', 'block3_pool',
  'block4_conv1', 'block4_conv2', 'block4_conv3', 'block4_conv4', 'block4_pool',
  'block5_conv1', 'block5_conv2', 'block5_conv3', 'block5_conv4', 'block5_pool',
]; // prettier-ignore

const folder = mkdtempSync(join(tmpdir(), 'ganforge-vgg-'));
const modelFolder = join(folder, 'vgg19-block2');
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // A VGG19 cut after block2_conv2 with random weights stands in for converted Keras weights.
  const model = vgg19({ layer: 'block2_conv2', seed: 9 });
  await model.save(fileSystemHandler(modelFolder));
  model.dispose();
  server = createServer((request, response) => {
    try {
      response.end(readFileSync(join(modelFolder, request.url!.slice(1))));
    } catch {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(() => server?.close());

describe('vgg19', () => {
  it("has Keras' VGG19 layer names and filter counts", () => {
    expect(vgg19LayerNames).toEqual(kerasNames);
    const model = vgg19({ layer: 'vgg22' as never });
    expect(model.layers.slice(1).map((layer) => layer.name)).toEqual(kerasNames.slice(0, 5));
    expect(model.getLayer('block2_conv2').getWeights()[0]!.shape).toEqual([3, 3, 128, 128]);
    model.dispose();
    expect(() => vgg19({ layer: 'block6_conv1' })).toThrow(InvalidArgumentError);
  });
});

describe('vgg19FeatureExtractor', () => {
  it('loads weights saved in tfjs layers format from file:// and http:// and gives the same features', async () => {
    const reference = vgg19({ layer: 'block2_conv2', seed: 9 });
    const images = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const preprocessed = images.add(1).mul(127.5).reverse(3).sub([103.939, 116.779, 123.68]);
    const expected = reference.predict(preprocessed) as tf.Tensor;
    const fromFile = await vgg19FeatureExtractor({
      weights: pathToFileURL(join(modelFolder, 'model.json')).href,
      layer: 'vgg22',
    });
    const fromHttp = await vgg19FeatureExtractor({ weights: `${baseUrl}/model.json`, layer: 'block2_conv2' });
    const other = vgg19({ layer: 'block2_conv2', seed: 10 });
    for (const extractor of [fromFile, fromHttp]) {
      const features = extractor.extract(images);
      expect(features.shape).toEqual([1, 4, 4, 128]);
      expect(features.sub(expected).abs().max().dataSync()[0]).toBeLessThan(1e-3);
      features.dispose();
    }
    // Differently seeded weights give different features, so the comparison above means something.
    const unloaded = other.predict(preprocessed) as tf.Tensor;
    expect(unloaded.sub(expected).abs().max().dataSync()[0]).toBeGreaterThan(1);
    tf.dispose([images, preprocessed, expected, unloaded]);
    [reference, other].forEach((m) => m.dispose());
    fromFile.dispose();
    fromHttp.dispose();
  });

  it('reads a subset of layers, matches Keras-style weight names, and names what is missing', async () => {
    const shallow = await vgg19FeatureExtractor({ weights: `${baseUrl}/model.json`, layer: 'block1_conv2' });
    expect(shallow.model.layers.at(-1)!.name).toBe('block1_conv2');
    shallow.dispose();
    // Weights named as a converted Keras model names them: 'vgg19/block1_conv1/kernel:0'.
    const artifacts = await fileSystemHandler(modelFolder).load!();
    const renamed = {
      ...artifacts,
      weightSpecs: artifacts.weightSpecs!.map((s) => ({ ...s, name: `vgg19/${s.name}:0` })),
    };
    const keras = await vgg19FeatureExtractor({ weights: tf.io.fromMemory(renamed), layer: 'vgg22' });
    keras.dispose();
    await expect(vgg19FeatureExtractor({ weights: `${baseUrl}/model.json`, layer: 'vgg54' })).rejects.toThrow(
      WeightsLoadError,
    );
    await expect(vgg19FeatureExtractor({ weights: `${baseUrl}/model.json`, layer: 'vgg54' })).rejects.toThrow(
      /options\.weights: expected a weight named 'block3_conv1\/kernel'/,
    );
    await expect(vgg19FeatureExtractor({ weights: `${baseUrl}/missing.json` })).rejects.toThrow(/could not read/);
    await expect(vgg19FeatureExtractor({ weights: 'ftp://nowhere/model.json' })).rejects.toThrow(
      /options\.weights: expected a URL that a tfjs IO handler serves, received "ftp/,
    );
  });
});
