// The worker script of the browser tests: a GANForge training worker.
import { exposeTrainingWorker } from '../training-worker.js';

// `?logicalCores=N`: the page's navigator.hardwareConcurrency, which the tests emulate through DevTools;
// that emulation reaches the page only, so the worker is told here, to see what its page sees.
const logicalCores = Number(new URL(self.location.href).searchParams.get('logicalCores'));
if (logicalCores > 0) {
  // The getter lives on WorkerNavigator.prototype (this project's TypeScript DOM types know only Navigator).
  Object.defineProperty(Object.getPrototypeOf(navigator), 'hardwareConcurrency', { get: () => logicalCores });
}

exposeTrainingWorker();
