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
export { isProcessRunning } from './files/is-process-running.js';
export { removeLegacyTemporaries } from './files/remove-legacy-temporaries.js';
export { limitFromEnvironment } from './files/limit-from-environment.js';
export { readUserFile, type ReadUserFileOptions } from './files/read-user-file.js';
export { readUserFileSync } from './files/read-user-file-sync.js';
export { loadTfjsModelFolder, type LoadTfjsModelFolderOptions } from './files/load-tfjs-model-folder.js';
