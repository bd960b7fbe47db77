import { existsSync } from 'node:fs';

/**
 * How every browser test launches headless Chromium (Debian's `chromium`, driven by playwright-core):
 * pass the result to `chromium.launch()`. `CHROMIUM_PATH` points at another build. `pnpm test` installs
 * Debian's chromium first where it is missing (scripts/provision-test-machine.mjs); run that script
 * before running the browser tests alone (`npx vitest run --project browser`).
 */
export function chromiumLaunchOptions(options: { readonly softwareWebGl?: boolean } = {}) {
  const executablePath = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: run \`node scripts/provision-test-machine.mjs\` (pnpm test runs it) or set CHROMIUM_PATH.`,
    );
  }
  return {
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Software WebGL: the machines that run these tests have no GPU.
      ...(options.softwareWebGl ? ['--use-gl=swiftshader', '--enable-unsafe-swiftshader'] : []),
    ],
  };
}
