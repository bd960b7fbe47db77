// What scripts/provision-bench-machine.ts does before `pnpm bench` times anything, decided from what
// it found on the machine (pure, so that bench-provision-plan.test.mjs checks every case).

/** Debian packages of the PyTorch CPU peer: PyTorch 1.13 and the OpenMP-threaded OpenBLAS it must run on. */
export const pytorchPackages = { torch: 'python3-torch', openmpBlas: 'libopenblas0-openmp' };

/** What provision-bench-machine.ts found on the machine. */
export interface BenchMachineFindings {
  /** The interpreter the benchmark runs (Debian's /usr/bin/python3 by default). */
  readonly python: string;
  readonly pythonExists: boolean;
  /** `python` imports torch. */
  readonly torch: boolean;
  /** libopenblas0-openmp's libblas.so.3 is on disk. */
  readonly openmpBlas: boolean;
  readonly aptGet: boolean;
  readonly root: boolean;
  readonly passwordlessSudo: boolean;
}

/** `unavailable` carries the one line `pnpm bench` prints instead of the PyTorch column. */
export type BenchProvisioningPlan =
  | { readonly kind: 'ready' }
  | { readonly kind: 'install'; readonly packages: string[]; readonly sudo: boolean }
  | { readonly kind: 'unavailable'; readonly message: string };

/** Decides whether to install the PyTorch peer's packages, or what to tell the user. */
export function planBenchProvisioning(found: BenchMachineFindings): BenchProvisioningPlan {
  // Without an optimised BLAS PyTorch is ~6x slower on the same step (ENVIRONMENT.md): not a fair peer.
  const packages = [
    ...(!found.torch ? [pytorchPackages.torch] : []),
    ...(!found.openmpBlas ? [pytorchPackages.openmpBlas] : []),
  ];
  if (packages.length === 0) return { kind: 'ready' };
  const missing = [
    ...(!found.torch
      ? [found.pythonExists ? `${found.python} cannot import torch` : `${found.python} does not exist`]
      : []),
    ...(!found.openmpBlas ? ['the OpenMP-threaded OpenBLAS (libopenblas0-openmp) is not installed'] : []),
  ].join(' and ');
  const isDebianPython = found.python === '/usr/bin/python3';
  if (found.aptGet && isDebianPython && (found.root || found.passwordlessSudo)) {
    return { kind: 'install', packages, sudo: !found.root };
  }
  const how = !found.aptGet
    ? `no apt-get here: install PyTorch for ${found.python} with an OpenMP-threaded OpenBLAS (or pass --python <interpreter that has them>)`
    : !isDebianPython
      ? `install them for ${found.python} yourself, or drop --python to use Debian's /usr/bin/python3 (\`apt-get install -y ${packages.join(' ')}\`)`
      : `run \`sudo apt-get install -y ${packages.join(' ')}\` (this user is not root and has no passwordless sudo)`;
  return {
    kind: 'unavailable',
    message: `[bench] no PyTorch column: ${missing}; ${how}, then rerun \`pnpm bench\`.`,
  };
}
