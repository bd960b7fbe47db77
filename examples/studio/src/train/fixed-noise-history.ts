import type { RgbaImage } from '@ganforge/data';

import { pixelCanvas } from './pixel-canvas.js';

/** Rows kept; past it the second-oldest goes, so the first row stays as the reference. */
const maxRows = 24;

/**
 * The fixed-noise images over time: one row per snapshot, labelled with its step, newest at the
 * bottom. The same z in every row, so what changes is what the generator learned.
 */
export class FixedNoiseHistory {
  readonly #list: HTMLElement;

  constructor(list: HTMLElement) {
    this.#list = list;
  }

  clear(): void {
    this.#list.replaceChildren();
    this.#list.dataset['rows'] = '0';
  }

  add(step: number, row: RgbaImage): void {
    if (this.#list.lastElementChild?.getAttribute('data-step') === String(step)) this.#list.lastElementChild.remove();
    const item = document.createElement('div');
    item.className = 'train-history-row';
    item.dataset['step'] = String(step);
    const label = document.createElement('span');
    label.className = 'studio-muted';
    label.textContent = `step ${step}`;
    item.append(label, pixelCanvas(row, 2));
    this.#list.append(item);
    if (this.#list.children.length > maxRows) this.#list.children[1]?.remove();
    this.#list.dataset['rows'] = String(this.#list.children.length);
    this.#list.scrollTop = this.#list.scrollHeight;
  }
}
