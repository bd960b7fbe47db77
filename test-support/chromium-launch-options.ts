/**
 * How every browser test launches headless Chromium (Debian's `chromium`, driven by playwright-core):
 * pass the result to `chromium.launch()`. `CHROMIUM_PATH` points at another build.
 */
export function chromiumLaunchOptions(options: { readonly softwareWebGl?: boolean } = {}) {
  return {
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
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
