// Text-to-image on the synthetic captioned shapes (the @ganforge/text README example).
// Run: pnpm --filter @ganforge/example-text-to-image start [encoder steps] [GAN steps] [out.png]
import { useBackend } from '@ganforge/backend-node';
import { saveImageGrid } from '@ganforge/data/node';
import {
  CaptionedImageDataset,
  captionedShapes,
  CharCnnRnnEncoder,
  createTextToImageTrainer,
  encodeInChunks,
  standardizeTextEncoder,
  trainJointEmbedding,
} from '@ganforge/text';

const [encoderSteps, ganSteps] = [Number(process.argv[2] ?? 300), Number(process.argv[3] ?? 1000)];
const out = process.argv[4] ?? 'red-triangles.png';

await useBackend();
const shapes = captionedShapes({ split: 'train', imagesPerCombination: 2 }); // 960 pictures, no red triangle
const encoder = new CharCnnRnnEncoder({ dim: 128, maxLength: 96, filters: [64, 64, 64], rnnUnits: 64 });
await trainJointEmbedding({ textEncoder: encoder, train: shapes, steps: encoderSteps }); // DS-SJE pre-training
const text = standardizeTextEncoder(encoder, shapes.captions); // unit-variance embeddings for the GAN
const data = new CaptionedImageDataset({ ...shapes, embeddings: encodeInChunks(text, shapes.captions) });
const trainer = createTextToImageTrainer(
  'gan-int-cls',
  { size: 32, embeddingDim: 128, filters: 16 },
  { learningRate: 1e-3 },
);
await trainer.fit(data, { batchSize: 32, steps: ganSteps });
const condition = text.encode(Array(8).fill('a large red triangle in the center on a black background'));
await saveImageGrid(trainer.generate({ count: 8, condition }), out);
console.log(`wrote ${out}`);
