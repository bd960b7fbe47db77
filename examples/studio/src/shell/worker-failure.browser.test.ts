import { afterAll, beforeAll, expect, it } from 'vitest';

import { openStudio, type StudioSession } from '../test-support/studio-browser.js';

// workerFailure turns a worker that dies outside any call into a rejection the panel shows, instead of
// a wait that never ends. Real workers in Chromium, on the studio's dev server (which serves the module).
let session: StudioSession;
beforeAll(async () => {
  session = await openStudio('dev', '#models');
}, 120_000);
afterAll(() => session?.close());

it('rejects, naming the worker, when its script does not load and when it throws outside a call', async () => {
  // A string, not a function: vitest would rewrite a function's import() for Node.
  const outcomes = (await session.page.evaluate(`(async () => {
    const { workerFailure } = await import('/src/shell/worker-failure.ts');
    const outcome = (worker, what) =>
      Promise.race([
        workerFailure(worker, what).catch((error) => error.message),
        new Promise((resolve) => setTimeout(() => resolve('no rejection within 20 s'), 20000)),
      ]);
    const uncaught = [];
    window.addEventListener('error', (event) => uncaught.push(event.message));
    // Watched at once, as the panels do: an error event before the listener exists would be missed.
    const results = await Promise.all([
      outcome(new Worker('/no-such-worker.js', { type: 'module' }), 'The missing worker'),
      outcome(
        new Worker(URL.createObjectURL(new Blob(["throw new Error('boom at start');"], { type: 'text/javascript' }))),
        'The throwing worker',
      ),
    ]);
    return { results, uncaught };
  })()`)) as { results: string[]; uncaught: string[] };
  expect(outcomes.results[0]).toBe('The missing worker stopped: its script did not load.');
  expect(outcomes.results[1]).toMatch(/^The throwing worker stopped: (Uncaught )?Error: boom at start\.$/);
  // Marked handled: the page's own uncaught-error handler (the studio banner) does not report it again.
  expect(outcomes.uncaught).toEqual([]);
  expect(await session.page.textContent('#studio-errors')).toBe('');
});
