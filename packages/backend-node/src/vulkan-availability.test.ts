import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { nodeVulkanHost, vulkanAvailability, type VulkanHost } from './vulkan-availability.js';

// A Linux host whose only driver manifests are the files listed; expected folders follow the Vulkan
// loader's documentation (KhronosGroup/Vulkan-Loader docs/LoaderDriverInterface.md, "Driver
// Discovery on Linux"), not this module's code.
function host(options: { loader: boolean; files: string[]; env?: Record<string, string> }): VulkanHost {
  return {
    platform: 'linux',
    env: { HOME: '/home/ada', ...options.env },
    hasSharedLibrary: (name) => options.loader && name === 'libvulkan.so.1',
    jsonFilesAt: (path) => options.files.filter((file) => file === path || file.startsWith(`${path}/`)),
  };
}

describe('vulkanAvailability', () => {
  it('names a missing loader first, then a missing driver', () => {
    expect(vulkanAvailability(host({ loader: false, files: ['/usr/share/vulkan/icd.d/x.json'] }))).toMatchObject({
      available: false,
      missing: 'loader',
      detail: expect.stringContaining('apt-get install libvulkan1'),
    });
    // Debian's chromium ships SwiftShader's manifest outside the search path: not found by default.
    expect(
      vulkanAvailability(host({ loader: true, files: ['/usr/lib/chromium/vk_swiftshader_icd.json'] })),
    ).toMatchObject({ available: false, missing: 'driver' });
  });

  it("finds a driver in each of the loader's default folders", () => {
    for (const file of [
      '/home/ada/.config/vulkan/icd.d/a.json',
      '/etc/xdg/vulkan/icd.d/a.json',
      '/etc/vulkan/icd.d/nvidia_icd.json',
      '/home/ada/.local/share/vulkan/icd.d/a.json',
      '/usr/local/share/vulkan/icd.d/a.json',
      '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
    ]) {
      expect(vulkanAvailability(host({ loader: true, files: [file] })), file).toEqual({ available: true });
    }
  });

  it('follows XDG_DATA_DIRS, VK_DRIVER_FILES, VK_ICD_FILENAMES and VK_ADD_DRIVER_FILES', () => {
    const nvidia = '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json';
    const swiftShader = '/usr/lib/chromium/vk_swiftshader_icd.json';
    expect(
      vulkanAvailability(host({ loader: true, files: [nvidia], env: { XDG_DATA_DIRS: '/usr/local/nvidia/share' } })),
    ).toEqual({ available: true });
    expect(vulkanAvailability(host({ loader: true, files: [nvidia], env: { VK_DRIVER_FILES: nvidia } }))).toEqual({
      available: true,
    });
    expect(
      vulkanAvailability(host({ loader: true, files: [swiftShader], env: { VK_ICD_FILENAMES: swiftShader } })),
    ).toEqual({ available: true });
    expect(
      vulkanAvailability(host({ loader: true, files: [swiftShader], env: { VK_ADD_DRIVER_FILES: swiftShader } })),
    ).toEqual({ available: true });
    // VK_DRIVER_FILES replaces the search: a default-folder driver no longer counts.
    expect(
      vulkanAvailability(
        host({ loader: true, files: ['/usr/share/vulkan/icd.d/a.json'], env: { VK_DRIVER_FILES: '/nowhere.json' } }),
      ),
    ).toMatchObject({ available: false, missing: 'driver', detail: expect.stringContaining('/nowhere.json') });
  });

  it('does not check other platforms (Dawn uses Metal or D3D12 there)', () => {
    expect(vulkanAvailability({ ...host({ loader: false, files: [] }), platform: 'darwin' })).toEqual({
      available: true,
    });
  });

  it('asks the real dynamic linker and reads real folders', () => {
    const real = nodeVulkanHost();
    expect(real.hasSharedLibrary('libc.so.6')).toBe(true); // loads, but is no Node addon
    expect(real.hasSharedLibrary('libganforge-does-not-exist.so.1')).toBe(false);
    const folder = mkdtempSync(join(tmpdir(), 'ganforge-icd-'));
    mkdirSync(join(folder, 'icd.d'));
    writeFileSync(join(folder, 'icd.d', 'a.json'), '{}');
    writeFileSync(join(folder, 'icd.d', 'notes.txt'), '');
    expect(real.jsonFilesAt(join(folder, 'icd.d'))).toEqual([join(folder, 'icd.d', 'a.json')]);
    expect(real.jsonFilesAt(join(folder, 'icd.d', 'a.json'))).toEqual([join(folder, 'icd.d', 'a.json')]);
    expect(real.jsonFilesAt(join(folder, 'missing'))).toEqual([]);
  });
});
