import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { registerFileSystemRouter } from './file-system-handler.js';

// tfjs-node cannot be installed here (its install downloads libtensorflow), so this stands in for
// what its import does: register the 'tensorflow' backend and a file:// load and save router.
function importFakeTfjsNode(): void {
  tf.registerBackend('tensorflow', () => ({}) as tf.KernelBackend, -1);
  const nodeRouter = (url: string | string[]) =>
    (typeof url === 'string' && url.startsWith('file://') ? { load: async () => ({}) } : null) as tf.io.IOHandler;
  tf.io.registerLoadRouter(nodeRouter);
  tf.io.registerSaveRouter(nodeRouter);
}

describe('the file:// router of @ganforge/srgan/node', () => {
  it('serves file:// alone, and steps aside when tfjs-node is loaded afterwards (one handler each time)', () => {
    const url = 'file:///models/x/model.json';
    registerFileSystemRouter();
    expect(tf.io.getLoadHandlers(url)).toHaveLength(1);
    expect(tf.io.getSaveHandlers(url)).toHaveLength(1);
    // useBackend() imports tfjs-node after @ganforge/srgan/node was imported. Before, both routers
    // answered and tfjs refused file:// URLs with "Found more than one (2) load handlers".
    importFakeTfjsNode();
    expect(tf.io.getLoadHandlers(url)).toHaveLength(1);
    expect(tf.io.getSaveHandlers(url)).toHaveLength(1);
    tf.removeBackend('tensorflow');
  });
});
