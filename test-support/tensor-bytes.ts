/**
 * The bytes of each tensor (e.g. `model.getWeights()`), for tests that compare weights bit for bit:
 * after a refused step they must equal those of a run stopped one step earlier. Typed by shape
 * (`tf.Tensor` has `data()`), so this module needs no tfjs of its own.
 */
export async function tensorBytes(tensors: readonly { data(): Promise<ArrayBufferView> }[]): Promise<number[][]> {
  return Promise.all(
    tensors.map(async (tensor) => {
      const values = await tensor.data();
      return Array.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }),
  );
}
