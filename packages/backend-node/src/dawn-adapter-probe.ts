import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

import type { DawnAdapterLike } from './dawn-webgpu-adapter.js';

/** What a probe found: Dawn's best adapter (or none), or why Dawn could not be asked. */
export type DawnProbeResult =
  | { readonly adapter: DawnAdapterLike | null }
  | { readonly failed: 'not-installed' | 'crashed'; readonly detail: string };

// A string variable keeps bundlers from resolving this optional package at build time.
const dawnPackage = 'webgpu';

// Runs in the child: start Dawn, ask for the adapter useBackend would get, print its info as JSON.
const probeScript = `
const [entry, flags] = process.argv.slice(1);
const { create } = await import(entry);
const adapter = await create(JSON.parse(flags)).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter && adapter.info;
process.stdout.write(JSON.stringify(info && {
  vendor: info.vendor, architecture: info.architecture, description: info.description,
  isFallbackAdapter: info.isFallbackAdapter,
}));
process.exit(0);
`;

/**
 * Asks Dawn (the npm package `webgpu`) for its adapter in a separate Node process and returns what
 * it found. Dawn and the Vulkan drivers and layers it loads write warnings straight to the native
 * stderr ("Couldn't load Vulkan", "vkCreateInstance: Found no drivers!", Mesa's "XDG_RUNTIME_DIR is
 * invalid", "Vulkan shaderUniform*ArrayDynamicIndexing required" for lavapipe), which no JavaScript
 * can silence in-process; in a child they are captured and only kept for the error message. Costs
 * one Node start plus Dawn's start (0.2-1 s measured on a 2-core machine).
 */
export async function probeDawnAdapter(flags: readonly string[] = []): Promise<DawnProbeResult> {
  let entry: string;
  try {
    // The same file `import('webgpu')` loads from this module (the package has only `main`).
    entry = createRequire(import.meta.url).resolve(dawnPackage);
  } catch (error) {
    return { failed: 'not-installed', detail: String(error) };
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', probeScript, pathToFileURL(entry).href, JSON.stringify(flags)],
      { timeout: 120_000, encoding: 'utf8', maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = `${error.message.split('\n')[0]}${stderr ? `; its stderr: ${stderr.trim().slice(-800)}` : ''}`;
          resolve({ failed: 'crashed', detail });
          return;
        }
        try {
          const info = JSON.parse(stdout) as DawnAdapterLike['info'] | null;
          resolve({ adapter: info && { info } });
        } catch {
          resolve({ failed: 'crashed', detail: `unexpected probe output ${JSON.stringify(stdout.slice(0, 200))}` });
        }
      },
    );
  });
}
