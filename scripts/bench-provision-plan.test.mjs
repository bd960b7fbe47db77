import { describe, expect, it } from 'vitest';

import { planBenchProvisioning } from './bench-provision-plan.ts';

// A fresh Debian machine as this project gets them (2026-11-29): python3 without torch, reference BLAS, root.
const fresh = {
  python: '/usr/bin/python3',
  pythonExists: true,
  torch: false,
  openmpBlas: false,
  aptGet: true,
  root: true,
  passwordlessSudo: false,
};

describe('planBenchProvisioning', () => {
  it('does nothing when torch imports and the OpenMP OpenBLAS is there', () => {
    expect(planBenchProvisioning({ ...fresh, torch: true, openmpBlas: true })).toEqual({ kind: 'ready' });
  });

  it('installs what is missing with apt-get, through sudo when not root', () => {
    expect(planBenchProvisioning(fresh)).toEqual({
      kind: 'install',
      packages: ['python3-torch', 'libopenblas0-openmp'],
      sudo: false,
    });
    expect(planBenchProvisioning({ ...fresh, root: false, passwordlessSudo: true })).toEqual({
      kind: 'install',
      packages: ['python3-torch', 'libopenblas0-openmp'],
      sudo: true,
    });
    // torch alone would run on the reference BLAS, ~6x slower: the BLAS is installed too.
    expect(planBenchProvisioning({ ...fresh, torch: true })).toEqual({
      kind: 'install',
      packages: ['libopenblas0-openmp'],
      sudo: false,
    });
  });

  it('says in one line why there is no PyTorch column and the exact command when it cannot install', () => {
    expect(planBenchProvisioning({ ...fresh, root: false })).toEqual({
      kind: 'unavailable',
      message:
        '[bench] no PyTorch column: /usr/bin/python3 cannot import torch and the OpenMP-threaded OpenBLAS ' +
        '(libopenblas0-openmp) is not installed; run `sudo apt-get install -y python3-torch libopenblas0-openmp` ' +
        '(this user is not root and has no passwordless sudo), then rerun `pnpm bench`.',
    });
    const noApt = planBenchProvisioning({ ...fresh, aptGet: false, torch: true });
    expect(noApt).toEqual({
      kind: 'unavailable',
      message:
        '[bench] no PyTorch column: the OpenMP-threaded OpenBLAS (libopenblas0-openmp) is not installed; no apt-get ' +
        'here: install PyTorch for /usr/bin/python3 with an OpenMP-threaded OpenBLAS (or pass --python <interpreter ' +
        'that has them>), then rerun `pnpm bench`.',
    });
  });

  it('does not apt-install for an interpreter apt does not manage', () => {
    const plan = planBenchProvisioning({
      ...fresh,
      python: '/opt/venv/bin/python',
      pythonExists: false,
      openmpBlas: true,
    });
    expect(plan.kind).toBe('unavailable');
    expect(plan.message).toBe(
      '[bench] no PyTorch column: /opt/venv/bin/python does not exist; install them for /opt/venv/bin/python ' +
        "yourself, or drop --python to use Debian's /usr/bin/python3 (`apt-get install -y python3-torch`), then " +
        'rerun `pnpm bench`.',
    );
  });
});
