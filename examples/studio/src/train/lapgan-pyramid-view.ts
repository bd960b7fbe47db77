import { pixelCanvas } from './pixel-canvas.js';
import type { PyramidLevelView } from './train-protocol.js';

/**
 * The LAPGAN pyramid of a few fixed-noise samples, coarsest level first: at each finer level the
 * upsampled coarser image, the residual the level's generator adds (mid grey = 0, scaled up) and
 * their sum, the refined image.
 */
export function showPyramid(container: HTMLElement, levels: readonly PyramidLevelView[]): void {
  const rows = [...levels].reverse().map((view) => {
    const row = document.createElement('div');
    row.className = 'train-pyramid-level';
    row.dataset['level'] = String(view.level);
    const title = document.createElement('strong');
    title.textContent = `level ${view.level} (${view.height}x${view.width})`;
    row.append(title);
    const scale = Math.max(2, Math.round(64 / view.height));
    const figure = (kind: string, caption: string, image: PyramidLevelView['refined'] | undefined) => {
      if (!image) return;
      const item = document.createElement('figure');
      item.dataset['kind'] = kind;
      const text = document.createElement('figcaption');
      text.className = 'studio-muted';
      text.textContent = caption;
      item.append(pixelCanvas(image, scale), text);
      row.append(item);
    };
    if (view.coarse) {
      figure('coarse', 'coarse (upsampled)', view.coarse);
      figure('residual', `+ residual x${(view.residualScale ?? 1).toFixed(1)}`, view.residual);
      figure('refined', '= refined', view.refined);
    } else {
      figure('refined', 'generated (coarsest)', view.refined);
    }
    return row;
  });
  container.replaceChildren(...rows);
}
