// What scripts/provision-test-machine.mjs does, decided from what it found on the machine (pure, so
// that scripts/provision-plan.test.mjs can check every case without touching the machine).

/**
 * @param {{
 *   chromium: boolean, chromiumPathFromEnvironment: boolean,
 *   vulkanLoader: boolean, softwareVulkanDriver: boolean, vulkanDriverFromEnvironment: boolean,
 *   aptGet: boolean, root: boolean, passwordlessSudo: boolean,
 *   missingDataPackages: string[],
 * }} found
 * @returns {{ kind: 'ready' } | { kind: 'install', packages: string[], sudo: boolean } | { kind: 'fail', message: string }}
 */
export function planProvisioning(found) {
  if (found.missingDataPackages.length > 0) {
    return {
      kind: 'fail',
      message: `[provision] data-set packages are not installed: ${found.missingDataPackages.join(', ')}. Run \`npx --yes pnpm@10 install\` first.`,
    };
  }
  if (!found.chromium && found.chromiumPathFromEnvironment) {
    return { kind: 'fail', message: '[provision] CHROMIUM_PATH names a file that does not exist; fix or unset it.' };
  }
  if (!found.softwareVulkanDriver && found.vulkanDriverFromEnvironment) {
    return {
      kind: 'fail',
      message: '[provision] VK_ICD_FILENAMES / VK_DRIVER_FILES name a file that does not exist; fix or unset it.',
    };
  }
  // Debian's chromium package ships both the browser and SwiftShader's Vulkan driver.
  const packages = [
    ...(!found.chromium || !found.softwareVulkanDriver ? ['chromium'] : []),
    ...(!found.vulkanLoader ? ['libvulkan1'] : []),
  ];
  if (packages.length === 0) return { kind: 'ready' };
  if (found.aptGet && (found.root || found.passwordlessSudo)) {
    return { kind: 'install', packages, sudo: !found.root };
  }
  const what = [
    ...(packages.includes('chromium')
      ? ['Chromium with its SwiftShader Vulkan driver (browser and WebGPU tests)']
      : []),
    ...(packages.includes('libvulkan1') ? ['the Vulkan loader libvulkan.so.1 (WebGPU test)'] : []),
  ].join(' and ');
  const how = found.aptGet
    ? `run \`sudo apt-get install ${packages.join(' ')}\` as an administrator (this user is not root and has no passwordless sudo)`
    : `install the Debian/Ubuntu packages ${packages.join(' ')} or your system's equivalent (no apt-get here; CHROMIUM_PATH and VK_ICD_FILENAMES point at other builds)`;
  return { kind: 'fail', message: `[provision] the tests need ${what}: ${how}, then rerun.` };
}
