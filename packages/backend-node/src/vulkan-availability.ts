import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Whether Dawn can reach Vulkan here, and if not, which piece is missing. */
export type VulkanAvailability =
  | { readonly available: true }
  | { readonly available: false; readonly missing: 'loader' | 'driver'; readonly detail: string };

/** What {@link vulkanAvailability} reads of the machine (injectable for tests). */
export interface VulkanHost {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether the dynamic linker finds a shared library by file name, as `dlopen(name)` searches. */
  hasSharedLibrary(name: string): boolean;
  /** The `*.json` files in a folder, or in the path itself when it is a file; [] when absent. */
  jsonFilesAt(path: string): string[];
}

const vulkanLoader = 'libvulkan.so.1';

/**
 * Checks, without starting Dawn, that Linux has the two things Dawn's Vulkan backend needs: the
 * loader `libvulkan.so.1` and at least one driver manifest (ICD json) where the loader looks for
 * one. Dawn itself prints "Couldn't load Vulkan" / "vkCreateInstance: Found no drivers!" on native
 * stderr when either is missing, which users read as errors; probing this way keeps a merely probed
 * backend quiet. Other platforms (Metal, D3D12) are not checked.
 *
 * The driver search follows the Vulkan loader's documented one on Linux (KhronosGroup/Vulkan-Loader,
 * docs/LoaderDriverInterface.md, "Driver Discovery on Linux"): VK_DRIVER_FILES or its older name
 * VK_ICD_FILENAMES replace the search; otherwise XDG_CONFIG_HOME, XDG_CONFIG_DIRS, /etc,
 * XDG_DATA_HOME and XDG_DATA_DIRS (with their documented defaults), each with `vulkan/icd.d`;
 * VK_ADD_DRIVER_FILES adds to it.
 */
export function vulkanAvailability(host: VulkanHost = nodeVulkanHost()): VulkanAvailability {
  if (host.platform !== 'linux') return { available: true };
  if (!host.hasSharedLibrary(vulkanLoader)) {
    return {
      available: false,
      missing: 'loader',
      detail: `the Vulkan loader ${vulkanLoader} is not installed (Debian/Ubuntu: \`apt-get install libvulkan1\`)`,
    };
  }
  const list = (name: string) => (host.env[name] ?? '').split(':').filter(Boolean);
  const replacing = list('VK_DRIVER_FILES').length > 0 ? list('VK_DRIVER_FILES') : list('VK_ICD_FILENAMES');
  const home = host.env['HOME'];
  const inHome = (variable: string, fallback: string) =>
    host.env[variable]
      ? [join(host.env[variable], 'vulkan/icd.d')]
      : home
        ? [join(home, fallback, 'vulkan/icd.d')]
        : [];
  const searched =
    replacing.length > 0
      ? replacing
      : [
          ...inHome('XDG_CONFIG_HOME', '.config'),
          ...(host.env['XDG_CONFIG_DIRS'] || '/etc/xdg').split(':').map((folder) => join(folder, 'vulkan/icd.d')),
          '/etc/vulkan/icd.d',
          '/usr/local/etc/vulkan/icd.d',
          ...inHome('XDG_DATA_HOME', '.local/share'),
          ...(host.env['XDG_DATA_DIRS'] || '/usr/local/share:/usr/share')
            .split(':')
            .map((folder) => join(folder, 'vulkan/icd.d')),
        ];
  const paths = [...searched, ...list('VK_ADD_DRIVER_FILES')];
  if (paths.some((path) => host.jsonFilesAt(path).length > 0)) return { available: true };
  return {
    available: false,
    missing: 'driver',
    detail:
      replacing.length > 0
        ? `no Vulkan driver manifest exists at ${replacing.join(':')} (VK_DRIVER_FILES / VK_ICD_FILENAMES)`
        : 'no Vulkan driver is installed (no ICD json in the vulkan/icd.d folders; point VK_DRIVER_FILES at one)',
  };
}

/** The real machine: `process.dlopen` asks the dynamic linker, which searches as Dawn's dlopen will. */
export function nodeVulkanHost(): VulkanHost {
  return {
    platform: process.platform,
    env: process.env,
    hasSharedLibrary(name) {
      try {
        process.dlopen({ exports: {} }, name);
        return true;
      } catch (error) {
        // A library that loads but is no Node addon fails with "Module did not self-register" (and is
        // unloaded again). Only the linker's not-found message (glibc or musl) counts as missing, so
        // an unknown message never hides a working GPU.
        return !/cannot open shared object file|No such file or directory/.test(String(error));
      }
    },
    jsonFilesAt(path) {
      try {
        if (!existsSync(path)) return [];
        if (!statSync(path).isDirectory()) return path.endsWith('.json') ? [path] : [];
        return readdirSync(path)
          .filter((name) => name.endsWith('.json'))
          .map((name) => join(path, name));
      } catch {
        return [];
      }
    },
  };
}
