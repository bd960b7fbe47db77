export { FileCheckpointStore } from './checkpoint/file-checkpoint-store.js';
export { removeStaleTemporaries, writeFileAtomically } from './files/write-file-atomically.js';
export {
  defaultLockStaleMs,
  lockRunFolder,
  type LockRunFolderOptions,
  runFolderLockHolder,
  runFolderLockName,
} from './files/lock-run-folder.js';
export { readRegularFile, type ReadRegularFileOptions, regularFileSize } from './files/read-regular-file.js';
export {
  defaultMaxModelJsonBytes,
  defaultMaxWeightBytes,
  readTfjsModelFolder,
  type TfjsModelFolderLimits,
} from './files/read-tfjs-model-folder.js';
export { resolveConfinedPath } from './files/resolve-confined-path.js';
export {
  manifestWeightBytes,
  parseTfjsModelJson,
  type TfjsModelJson,
  tfjsModelJsonSchema,
  type TfjsWeightSpec,
} from './files/tfjs-model-json.js';
