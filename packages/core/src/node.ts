export { FileCheckpointStore } from './checkpoint/file-checkpoint-store.js';
export { removeStaleTemporaries, writeFileAtomically } from './files/write-file-atomically.js';
export {
  defaultLockStaleMs,
  lockRunFolder,
  type LockRunFolderOptions,
  runFolderLockHolder,
  runFolderLockName,
} from './files/lock-run-folder.js';
