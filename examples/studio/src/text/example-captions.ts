/**
 * Captions of the synthetic shapes data set (what `describeShape` in @ganforge/text writes), offered
 * as examples: a run trained with `--dataset shapes` knows their words. Kept as text so the page
 * does not load the text package (and tfjs) for them; a unit test checks they are real captions.
 */
export const exampleCaptions: readonly string[] = [
  'a large red circle in the center on a black background',
  'white background with a large blue square on the left',
  'there is a small yellow cross at the bottom. the background is gray.',
  'a small purple circle on the right on a black background',
  'a large red square in the center on a gray background',
  'a large green triangle at the top on a white background',
];

/** A pair for GAN-INT that differs in colour and background, so the row's change is easy to see. */
export const exampleInterpolation = [
  'a large red circle in the center on a gray background',
  'a large green circle in the center on a white background',
] as const;
