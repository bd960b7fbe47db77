import { describe, expect, it } from 'vitest';

import { connectTrainingWorker } from './training-client.js';
import type { TrainingJob } from './training-job.js';

/** A stand-in Worker that records what the page posts (comlink calls `postMessage(message, transfer)`). */
function recordingWorker() {
  const posted: { message: unknown; transfer: Transferable[] }[] = [];
  const worker = {
    postMessage: (message: unknown, transfer: Transferable[] = []) => posted.push({ message, transfer }),
    addEventListener: () => {},
    removeEventListener: () => {},
    terminate: () => {},
  };
  return { worker: worker as unknown as Worker, posted };
}

const pixels = 28 * 28;

function jobWith(data: Float32Array): TrainingJob {
  const shape = [data.length / pixels, 28, 28, 1] as const;
  return { model: { size: 28, latentDim: 2, filters: 2 }, images: { data, shape }, steps: 1, batchSize: 1 };
}

/** The job as it was posted: comlink sends arguments as { type: 'RAW', value }. */
function postedJob(message: unknown): TrainingJob {
  const argument = (message as { argumentList: { value: TrainingJob }[] }).argumentList[0]!;
  return argument.value;
}

function closePorts(transfer: Transferable[]): void {
  for (const item of transfer) if (item instanceof MessagePort) item.close();
}

describe('connectTrainingWorker', () => {
  it("transfers a view into a larger buffer as a copy of exactly its values, leaving the caller's buffer", () => {
    const { worker, posted } = recordingWorker();
    const larger = new Float32Array(4 * pixels).map((_, index) => index / (4 * pixels) - 0.5);
    const images = larger.subarray(pixels, 3 * pixels); // two images at a nonzero byteOffset
    void connectTrainingWorker(worker).start(jobWith(images));

    const { message, transfer } = posted[0]!;
    const buffers = transfer.filter((item): item is ArrayBuffer => item instanceof ArrayBuffer);
    expect(buffers).toHaveLength(1);
    expect(buffers[0]!.byteLength).toBe(images.byteLength);
    expect(buffers[0]).not.toBe(larger.buffer);
    const sent = postedJob(message).images.data;
    expect(sent.buffer).toBe(buffers[0]);
    expect(sent).toEqual(new Float32Array(Array.from(larger.slice(pixels, 3 * pixels)))); // the same values, copied independently
    closePorts(transfer);
  });

  it('transfers images that own their whole buffer as they are', () => {
    const { worker, posted } = recordingWorker();
    const images = new Float32Array(2 * pixels).fill(0.25);
    void connectTrainingWorker(worker).start(jobWith(images));

    const { message, transfer } = posted[0]!;
    expect(transfer.filter((item) => item instanceof ArrayBuffer)).toEqual([images.buffer]);
    expect(postedJob(message).images.data).toBe(images);
    closePorts(transfer);
  });
});
