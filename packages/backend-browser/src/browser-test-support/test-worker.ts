// The worker script of the browser tests: a GANForge training worker.
import { exposeTrainingWorker } from '../training-worker.js';

exposeTrainingWorker();
