import { mainEntry } from '../../tsup.shared.js';

// shims: import.meta.url in the CJS build (dawn-adapter-probe resolves the webgpu package from it).
export default mainEntry({ shims: true });
