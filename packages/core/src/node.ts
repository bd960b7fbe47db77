export { FileCheckpointStore } from './checkpoint/file-checkpoint-store.js';
