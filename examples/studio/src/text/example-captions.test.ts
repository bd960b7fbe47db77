import { allShapeDescriptions, describeShape, shapeCaptionTemplateCount } from '@ganforge/text';
import { expect, it } from 'vitest';

import { exampleCaptions, exampleInterpolation } from './example-captions.js';

it('offers captions that the shapes data set really has (describeShape, any template and paraphrase)', () => {
  const captions = new Set<string>();
  // Constant draws of 0, 0.34 and 0.67 pick each of a word's (up to three) paraphrases.
  for (const description of allShapeDescriptions())
    for (let template = 0; template < shapeCaptionTemplateCount; template++)
      for (const draw of [0, 0.34, 0.67]) captions.add(describeShape(description, template, () => draw));
  for (const caption of [...exampleCaptions, ...exampleInterpolation]) expect(captions).toContain(caption);
});
