// Makes this machine able to give `pnpm bench` its PyTorch column: Debian's python3-torch (1.13) for
// /usr/bin/python3 and the OpenMP-threaded OpenBLAS (libopenblas0-openmp) it must run on to be a fair
// peer. Installs them with apt-get when this user is root or has passwordless sudo; otherwise returns
// the one line that says why there is no PyTorch column and the exact command that gives it.
// `pnpm bench` calls provisionPytorch() before timing anything; run alone it only provisions:
//   npx tsx scripts/provision-bench-machine.ts [--python /usr/bin/python3]
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { type BenchMachineFindings, planBenchProvisioning } from './bench-provision-plan.js';

const multiarchByArch: Partial<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };
const multiarch = multiarchByArch[process.arch] ?? `${process.arch}-linux-gnu`;

/** Where libopenblas0-openmp puts its libblas.so.3 / liblapack.so.3 / libopenblas.so.0. */
export const openmpBlasDirectory = `/usr/lib/${multiarch}/openblas-openmp`;

/** The libblas.so.3 the system's `update-alternatives` selects (what programs load by default). */
export function selectedBlas() {
  try {
    return realpathSync(`/usr/lib/${multiarch}/libblas.so.3`);
  } catch {
    return 'none';
  }
}

const succeeds = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

function probe(python: string): BenchMachineFindings {
  const isRoot = process.getuid?.() === 0;
  return {
    python,
    pythonExists: python.includes('/') ? existsSync(python) : succeeds('sh', ['-c', `command -v ${python}`]),
    torch: succeeds(python, ['-c', 'import torch']),
    openmpBlas: existsSync(`${openmpBlasDirectory}/libblas.so.3`),
    aptGet: succeeds('sh', ['-c', 'command -v apt-get']),
    root: isRoot,
    passwordlessSudo: !isRoot && succeeds('sudo', ['-n', 'true']),
  };
}

/**
 * Provisions the PyTorch peer for `python`. Prints progress to stderr only when it installs; when
 * the peer cannot be had, `message` is the one line to print instead of the PyTorch column.
 */
export function provisionPytorch({ python }: { python: string }): { ready: true } | { ready: false; message: string } {
  const plan = planBenchProvisioning(probe(python));
  if (plan.kind === 'ready') return { ready: true as const };
  if (plan.kind === 'unavailable') return { ready: false, message: plan.message };
  console.error(
    `[bench] installing ${plan.packages.join(' ')} with apt-get for the PyTorch column (once, a few minutes)...`,
  );
  const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...plan.packages],
  ]) {
    const [command, commandArgs]: [string, string[]] = plan.sudo
      ? ['sudo', ['-n', 'apt-get', ...args]]
      : ['apt-get', args];
    const result = spawnSync(command, commandArgs, { env: environment, encoding: 'utf8' });
    if (result.status !== 0) {
      process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
      return {
        ready: false,
        message: `[bench] no PyTorch column: \`${[command, ...commandArgs].join(' ')}\` failed (exit ${result.status}); install ${plan.packages.join(' ')} yourself and rerun \`pnpm bench\`.`,
      };
    }
  }
  const after = planBenchProvisioning(probe(python));
  return after.kind === 'ready'
    ? { ready: true }
    : {
        ready: false,
        message: `[bench] no PyTorch column: after apt-get install ${plan.packages.join(' ')}, ${python} still cannot import torch or the OpenMP OpenBLAS is missing.`,
      };
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ options: { python: { type: 'string', default: '/usr/bin/python3' } } });
  const result = provisionPytorch({ python: values.python });
  if (!result.ready) {
    console.error(result.message);
    process.exit(1);
  }
  console.error(
    `[bench] PyTorch peer ready: ${values.python}, OpenMP OpenBLAS in ${openmpBlasDirectory} (system libblas.so.3: ${selectedBlas()}).`,
  );
}
