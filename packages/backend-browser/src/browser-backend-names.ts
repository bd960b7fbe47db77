/** The backends the browser `useBackend` can activate, fastest first. */
export const browserBackendNames = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BrowserBackendName = (typeof browserBackendNames)[number];
