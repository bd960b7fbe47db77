export { FileCheckpointStore } from './checkpoint/file-checkpoint-store.js';
export { removeStaleTemporaries, writeFileAtomically } from './files/write-file-atomically.js';
