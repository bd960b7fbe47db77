import type { StudioContext } from '../shell/studio-context.js';

// TEMPORARY stub from the studio skeleton: the helper that builds this panel replaces this file.
export function mountUpscalePanel(root: HTMLElement, _context: StudioContext): void {
  root.textContent = 'This panel is being built.';
}
