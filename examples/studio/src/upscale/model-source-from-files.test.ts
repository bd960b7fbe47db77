import { describe, expect, it } from 'vitest';

import type { StoredRun } from '../models/run-library.js';
import { layersSourceFromFiles, modelSourceFromRun } from './model-source-from-files.js';

/** A File as a folder pick gives it: its path inside the picked folder in webkitRelativePath. */
function fileInFolder(path: string, text: string): File {
  const file = new File([text], path.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

const run = (files: Record<string, string>): StoredRun => ({
  id: 'id',
  name: 'run',
  family: 'srresnet',
  step: 3,
  savedAt: '2026-01-01T00:00:00.000Z',
  origin: 'imported',
  fileNames: Object.keys(files),
  bytes: 0,
  files: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, new TextEncoder().encode(text)])),
});

describe('layersSourceFromFiles', () => {
  it("takes a run folder's model/ files, keeps them under model/ and reads the step from run.json", async () => {
    const picked = await layersSourceFromFiles([
      fileInFolder('srresnet/run.json', JSON.stringify({ summary: { steps: 245 } })),
      fileInFolder('srresnet/model/model.json', '{}'),
      fileInFolder('srresnet/model/weights.bin', 'w'),
    ]);
    expect(picked.name).toBe('srresnet');
    expect(picked.step).toBe(245);
    expect(Object.keys(picked.runFiles).sort()).toEqual(['model/model.json', 'model/weights.bin']);
    expect(picked.source.kind).toBe('layers-files');
    if (picked.source.kind === 'layers-files') {
      expect(picked.source.files.map((file) => file.name).sort()).toEqual(['model.json', 'weights.bin']);
    }
  });

  it('takes loose model.json and weights.bin without a step, and ignores an unreadable run.json', async () => {
    const loose = await layersSourceFromFiles([new File(['{}'], 'model.json'), new File(['w'], 'weights.bin')]);
    expect([loose.name, loose.step]).toEqual(['model.json', undefined]);
    const broken = await layersSourceFromFiles([
      fileInFolder('r/run.json', 'not json'),
      fileInFolder('r/model/model.json', '{}'),
    ]);
    expect(broken.step).toBeUndefined();
  });

  it('names the files and says what to pick when there is no single model.json', async () => {
    await expect(layersSourceFromFiles([new File(['w'], 'weights.bin')])).rejects.toThrow(
      /^weights\.bin: expected the model\.json and weights\.bin .* received 0 \.json files\.$/,
    );
    await expect(layersSourceFromFiles([new File(['{}'], 'a.json'), new File(['{}'], 'b.json')])).rejects.toThrow(
      /^a\.json, b\.json: .* received 2 \.json files\.$/,
    );
  });
});

describe('modelSourceFromRun', () => {
  it("prefers a run's latest.gfckpt, else its model/ files, else says what the run lacks", async () => {
    expect(modelSourceFromRun(run({ 'latest.gfckpt': 'c', 'model/model.json': '{}' }))).toMatchObject({
      kind: 'checkpoint',
      fileName: 'run/latest.gfckpt',
    });
    const layers = modelSourceFromRun(run({ 'model/model.json': '{}', 'model/weights.bin': 'w' }));
    expect(layers.kind).toBe('layers-files');
    if (layers.kind === 'layers-files') {
      expect(layers.files.map((file) => file.name)).toEqual(['model.json', 'weights.bin']);
      expect(await layers.files[1]!.text()).toBe('w');
    }
    expect(() => modelSourceFromRun(run({ 'text-encoder.json': '{}' }))).toThrow(
      /^The run run has text-encoder\.json: expected latest\.gfckpt or model\/model\.json/,
    );
  });
});
