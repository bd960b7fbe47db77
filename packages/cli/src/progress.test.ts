import { afterEach, describe, expect, it } from 'vitest';

import { cappedTotalSteps } from './progress.js';

describe('cappedTotalSteps (the progress bar total)', () => {
  const saved = process.env['GANFORGE_MAX_STEPS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['GANFORGE_MAX_STEPS'];
    else process.env['GANFORGE_MAX_STEPS'] = saved;
  });

  it('is the --steps total without a cap, and the step the cap stops at under GANFORGE_MAX_STEPS', () => {
    delete process.env['GANFORGE_MAX_STEPS'];
    expect(cappedTotalSteps(500, 10)).toBe(500);
    expect(cappedTotalSteps(undefined, 10)).toBeUndefined();
    // A resumed run at step 10 with --steps 500 under a cap of 3 stops at step 10 + 3.
    process.env['GANFORGE_MAX_STEPS'] = '3';
    expect(cappedTotalSteps(500, 10)).toBe(13);
    expect(cappedTotalSteps(12, 10)).toBe(12);
    expect(cappedTotalSteps(undefined, 10)).toBe(13);
  });
});
