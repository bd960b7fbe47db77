import { readFileSync } from 'node:fs';

import { GanForgeError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';

import {
  cpusInCgroupQuota,
  type CpuTopologySource,
  defaultWasmThreads,
  parseWasmThreads,
  physicalCoresInCpuinfo,
} from './wasm-thread-count.js';

const fixture = (name: string) => readFileSync(new URL(`./test-fixtures/${name}`, import.meta.url), 'utf8');

const topology = (overrides: Partial<Record<keyof CpuTopologySource, unknown>>): CpuTopologySource => ({
  cpuinfo: () => overrides.cpuinfo as string | undefined,
  cgroupCpuMax: () => overrides.cgroupCpuMax as string | undefined,
  logicalProcessors: () => (overrides.logicalProcessors as number | undefined) ?? 8,
});

describe('physicalCoresInCpuinfo', () => {
  it('counts each (physical id, core id) pair once, so hyper-threads do not double the count', () => {
    // Fixture: 2 sockets x 2 cores x 2 hyper-threads = 8 processors; 4 physical cores by construction.
    expect(physicalCoresInCpuinfo(fixture('cpuinfo-2-sockets-2-cores-ht.txt'))).toBe(4);
  });

  it('reads the /proc/cpuinfo of this project build machine (a 2-core AMD EPYC virtual machine)', () => {
    // Copied from the machine: processors 0 and 1 with core ids 0 and 1 on physical id 0.
    expect(physicalCoresInCpuinfo(fixture('cpuinfo-amd-epyc-vm-2-cores.txt'))).toBe(2);
  });

  it('is undefined when no block names a core id (some virtual machines and ARM kernels)', () => {
    expect(physicalCoresInCpuinfo('processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n')).toBe(
      undefined,
    );
  });
});

describe('cpusInCgroupQuota', () => {
  it('divides the quota by the period and rounds up (cgroup v2 cpu.max, microseconds)', () => {
    expect(cpusInCgroupQuota('200000 100000\n')).toBe(2);
    expect(cpusInCgroupQuota('150000 100000')).toBe(2); // 1.5 CPUs
    expect(cpusInCgroupQuota('50000 100000')).toBe(1);
  });

  it('is undefined without a quota', () => {
    expect(cpusInCgroupQuota('max 100000')).toBe(undefined);
    expect(cpusInCgroupQuota('')).toBe(undefined);
  });
});

describe('defaultWasmThreads', () => {
  it('is the number of physical cores', () => {
    expect(
      defaultWasmThreads(topology({ cpuinfo: fixture('cpuinfo-2-sockets-2-cores-ht.txt'), logicalProcessors: 8 })),
    ).toBe(4);
  });

  it('is capped by a container quota, by the processors the process may use, and by tfjs pool of 8', () => {
    const fourCores = fixture('cpuinfo-2-sockets-2-cores-ht.txt');
    expect(defaultWasmThreads(topology({ cpuinfo: fourCores, cgroupCpuMax: '100000 100000' }))).toBe(1);
    expect(defaultWasmThreads(topology({ cpuinfo: fourCores, logicalProcessors: 3 }))).toBe(3);
    expect(defaultWasmThreads(topology({ logicalProcessors: 64 }))).toBe(8);
  });

  it('falls back to the logical processors where there is no /proc/cpuinfo (macOS, Windows)', () => {
    expect(defaultWasmThreads(topology({ logicalProcessors: 6 }))).toBe(6);
  });
});

describe('parseWasmThreads', () => {
  it('accepts integers from 1 to 8, as numbers or decimal strings', () => {
    expect(parseWasmThreads(1, 'options.threads')).toBe(1);
    expect(parseWasmThreads('8', 'GANFORGE_THREADS')).toBe(8);
    expect(parseWasmThreads(' 3 ', 'GANFORGE_THREADS')).toBe(3);
  });

  it.each([0, 9, 2.5, -1, Number.NaN, '', 'two', '2x', '0x2', '1e0'])(
    'rejects %j with an INVALID_ARGUMENT naming where it came from',
    (value) => {
      let caught: unknown;
      try {
        parseWasmThreads(value as number | string, 'GANFORGE_THREADS');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GanForgeError);
      expect((caught as GanForgeError).code).toBe('INVALID_ARGUMENT');
      expect((caught as Error).message).toMatch(/^GANFORGE_THREADS: expected an integer from 1 to 8/);
    },
  );
});
