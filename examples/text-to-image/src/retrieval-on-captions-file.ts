// DS-SJE on any folder of captioned pictures (path<TAB>caption): trains a text encoder against a small
// image encoder on all but a held-out share of the pictures, then reports caption-to-image retrieval
// among the held-out ones. Nothing from the data set is written.
// Run: pnpm --filter @ganforge/example-text-to-image exec tsx src/retrieval-on-captions-file.ts <captions.tsv> [steps]
import { useBackend } from '@ganforge/backend-node';
import { shuffledIndices } from '@ganforge/core';
import {
  BagOfWordsEncoder,
  CharCnnRnnEncoder,
  smallImageEncoder,
  trainJointEmbedding,
  WordTokenizer,
} from '@ganforge/text';
import { loadCaptionedImages } from '@ganforge/text/node';
import * as tf from '@tensorflow/tfjs';

const [tsv, stepsArgument] = process.argv.slice(2);
if (!tsv) throw new Error('usage: retrieval-on-captions-file.ts <captions.tsv> [steps]');
const steps = Number(stepsArgument ?? 600);
await useBackend();
const { images, captions, imageOfCaption } = await loadCaptionedImages(tsv, { size: 32 });
const count = images.shape[0];
// Hold out a fifth of the pictures (with their captions), chosen by a seeded shuffle.
const order = shuffledIndices(count, 7);
const heldOut = new Set(order.subarray(0, Math.floor(count / 5)));
function subset(keep: (image: number) => boolean) {
  const pictures = Array.from({ length: count }, (_, image) => image).filter(keep);
  const position = new Map(pictures.map((image, index) => [image, index]));
  const rows = captions.map((_, caption) => caption).filter((caption) => keep(imageOfCaption[caption]!));
  return {
    images: tf.gather(images, pictures) as tf.Tensor4D,
    captions: rows.map((caption) => captions[caption]!),
    imageOfCaption: rows.map((caption) => position.get(imageOfCaption[caption]!)!),
  };
}
const train = subset((image) => !heldOut.has(image));
const validation = subset((image) => heldOut.has(image));
console.log(`${count} pictures, ${captions.length} captions; ${validation.images.shape[0]} pictures held out`);
for (const kind of ['char-cnn-rnn', 'bag-of-words'] as const) {
  const encoder =
    kind === 'char-cnn-rnn'
      ? new CharCnnRnnEncoder({ dim: 128, maxLength: 96, filters: [64, 64, 64], rnnUnits: 64, seed: 1 })
      : new BagOfWordsEncoder({ tokenizer: WordTokenizer.fromCorpus(train.captions), dim: 128, seed: 1 });
  const result = await trainJointEmbedding({
    textEncoder: encoder,
    imageEncoder: smallImageEncoder({ size: 32, dim: 128, filters: 16, seed: 1 }),
    train,
    validation,
    steps,
    batchSize: 64,
    seed: 1,
  });
  const { top1, top5, chanceTop1 } = result.retrieval!;
  console.log(
    `${kind}: ${steps} steps in ${(result.durationMs / 1000).toFixed(0)} s; held-out caption-to-image retrieval ` +
      `top-1 ${(100 * top1).toFixed(1)}%, top-5 ${(100 * top5).toFixed(1)}% (chance top-1 ${(100 * chanceTop1).toFixed(1)}%)`,
  );
  result.imageEncoder.dispose();
  encoder.dispose();
}
