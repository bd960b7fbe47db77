// The settings of the runs the Train panel starts, as `ganforge train` records them in `metadata.run`
// (plain values, so the page can show the defaults without loading the models).

/** The CLI demo's small DCGAN for 28x28 images (`ganforge demo`), which trains fast in a browser. */
export const dcganSettings = {
  size: 28,
  channels: 1,
  latentDim: 64,
  filters: 32,
  conditional: false,
  loss: 'non-saturating',
  learningRate: 3e-4,
  batchSize: 32,
  seed: 0,
} as const;

/** `ganforge train lapgan`'s defaults for 28x28 images: 28 -> 14 -> 7, the coarsest level an MLP. */
export const lapganSettings = {
  model: 'lapgan',
  size: 28,
  channels: 1,
  levels: 3,
  filters: 32,
  kernelSize: 3,
  hiddenUnits: 512,
  conditional: false,
  loss: 'non-saturating',
  learningRate: 2e-4,
  batchSize: 32,
  seed: 0,
  /**
   * Training images used (`--limit`): each level's data set holds every image's pyramid, which takes
   * seconds per thousand images to build on WASM, so a live run starts from the first 2,000.
   */
  limit: 2000,
} as const;
