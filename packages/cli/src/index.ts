export { type DcganRunOptions, type DcganTrainingOptions, trainDcgan } from './dcgan-run.js';
export { demoRun } from './demo-run.js';
export { ganforgeProgram } from './program.js';
