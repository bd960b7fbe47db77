import { availableParallelism, cpus } from 'node:os';

/**
 * The machine a speed was measured on, e.g. 'AMD EPYC 7B13, 2 cores': speeds differ between
 * machines (the same demo ran 9.7 steps/s on a 2-core AMD EPYC and 4.0 on a 2-core Intel Xeon), so
 * a figure is only meaningful with its machine.
 */
export function machineDescription(): string {
  const model = cpus()[0]?.model.replace(/\s+/g, ' ').trim() || 'unknown CPU';
  const cores = availableParallelism();
  return `${model}, ${cores} ${cores === 1 ? 'core' : 'cores'}`;
}
