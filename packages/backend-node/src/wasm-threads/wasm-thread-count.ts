import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { InvalidArgumentError } from '@ganforge/core';

/**
 * The most threads tfjs-backend-wasm 4.22 computes with: its threaded build starts a pool of 8
 * pthread workers (`PTHREAD_POOL_SIZE`) and caps XNNPACK's thread pool at 8 (tfjs
 * `tfjs-backend-wasm/src/cc/backend.cc`, `max_num_threads`).
 */
export const maxWasmThreads = 8;

/** Where the default thread count looks; replaceable in tests. */
export interface CpuTopologySource {
  /** The text of /proc/cpuinfo, or undefined where there is none (macOS, Windows). */
  readonly cpuinfo: () => string | undefined;
  /** The text of the cgroup v2 `cpu.max` file, or undefined where there is none. */
  readonly cgroupCpuMax: () => string | undefined;
  /** Logical processors the process may use (`os.availableParallelism()`). */
  readonly logicalProcessors: () => number;
}

const readIfPresent = (path: string) => () => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export const nodeCpuTopology: CpuTopologySource = {
  cpuinfo: readIfPresent('/proc/cpuinfo'),
  cgroupCpuMax: readIfPresent('/sys/fs/cgroup/cpu.max'),
  logicalProcessors: availableParallelism,
};

/**
 * Physical cores listed in a Linux /proc/cpuinfo: distinct (`physical id`, `core id`) pairs, so the
 * two hyper-threads of one core count once. Undefined when the text names no cores (some
 * virtual machines and non-x86 kernels omit `core id`).
 */
export function physicalCoresInCpuinfo(cpuinfo: string): number | undefined {
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const coreId = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (coreId === undefined) continue;
    const packageId = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? '0';
    cores.add(`${packageId}:${coreId}`);
  }
  return cores.size > 0 ? cores.size : undefined;
}

/**
 * CPUs a cgroup v2 quota allows (`cpu.max` = "<quota> <period>" in microseconds, or "max <period>"),
 * rounded up: a container limited to 1.5 CPUs gets 2 threads. Undefined when there is no quota.
 */
export function cpusInCgroupQuota(cpuMax: string): number | undefined {
  const [quota, period] = cpuMax.trim().split(/\s+/);
  if (quota === undefined || quota === 'max' || period === undefined) return undefined;
  const cpus = Number(quota) / Number(period);
  return Number.isFinite(cpus) && cpus > 0 ? Math.ceil(cpus) : undefined;
}

/**
 * The default thread count for the wasm backend on Node: every physical core (hyper-threads share a
 * core's SIMD units, so they add little to XNNPACK's kernels), no more than the logical processors
 * the process may use or a container's CPU quota allows, and at most {@link maxWasmThreads}.
 */
export function defaultWasmThreads(source: CpuTopologySource = nodeCpuTopology): number {
  const logical = Math.max(1, source.logicalProcessors());
  const cpuinfo = source.cpuinfo();
  const physical = (cpuinfo === undefined ? undefined : physicalCoresInCpuinfo(cpuinfo)) ?? logical;
  const cgroupMax = source.cgroupCpuMax();
  const quota = (cgroupMax === undefined ? undefined : cpusInCgroupQuota(cgroupMax)) ?? logical;
  return Math.max(1, Math.min(physical, logical, quota, maxWasmThreads));
}

/**
 * The thread count asked for by option or environment variable, checked: an integer from 1 to
 * {@link maxWasmThreads}. `source` names where it came from in the error (e.g. 'options.threads'
 * or 'GANFORGE_THREADS').
 *
 * @throws InvalidArgumentError naming `source` when the value is not such an integer.
 */
export function parseWasmThreads(value: number | string, source: string): number {
  const threads = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(threads) || threads < 1 || threads > maxWasmThreads) {
    throw new InvalidArgumentError(
      source,
      `an integer from 1 to ${maxWasmThreads} (tfjs-backend-wasm's thread pool has ${maxWasmThreads} workers)`,
      value,
    );
  }
  return threads;
}
