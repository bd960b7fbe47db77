import * as Comlink from 'comlink';

import { TrainingLoop } from './training-loop.js';

// The Train panel's Web Worker: all tensor work happens here, off the page's thread.
Comlink.expose(new TrainingLoop());
