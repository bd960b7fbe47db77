import 'uplot/dist/uPlot.min.css';

import uPlot from 'uplot';

import type { LossPoint } from './train-protocol.js';

/** Points kept per series; beyond it every other old point is dropped, so long runs stay cheap to draw. */
const maxPoints = 3000;
const discriminatorColours = ['#c0392b', '#e67e22', '#8e44ad'];
const generatorColours = ['#2b6cb0', '#16a085', '#2c3e50'];

/**
 * The discriminator and generator losses by step, drawn by uPlot. Each series is one loss (D and
 * G, for LAPGAN per level); a single update's missing loss is a gap.
 */
export class LossChart {
  readonly #container: HTMLElement;
  #plot: uPlot | undefined;
  #steps: number[] = [];
  #losses: (number | null)[][] = [];

  constructor(container: HTMLElement) {
    this.#container = container;
  }

  /** Starts an empty chart with these series (e.g. `['D', 'G']`). */
  reset(names: readonly string[]): void {
    this.#plot?.destroy();
    this.#steps = [];
    this.#losses = names.map(() => []);
    const colour = (name: string, index: number) =>
      (name.startsWith('D') ? discriminatorColours : generatorColours)[Math.floor(index / 2)] ?? '#555';
    this.#plot = new uPlot(
      {
        width: 560,
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: 'loss' }],
        series: [
          { label: 'step' },
          ...names.map((label, index) => ({ label, stroke: colour(label, index), width: 1.5 })),
        ],
        legend: { live: false },
        cursor: { show: false },
      },
      [[], ...names.map(() => [])],
      this.#container,
    );
  }

  add(points: readonly LossPoint[]): void {
    if (!this.#plot || points.length === 0) return;
    for (const { step, losses } of points) {
      this.#steps.push(step);
      losses.forEach((loss, index) => this.#losses[index]?.push(Number.isFinite(loss) ? loss : null));
    }
    if (this.#steps.length > maxPoints) {
      const keep = (_: unknown, index: number) => index % 2 === 0 || index >= maxPoints / 2;
      this.#steps = this.#steps.filter(keep);
      this.#losses = this.#losses.map((series) => series.filter(keep));
    }
    this.#plot.setData([this.#steps, ...this.#losses] as uPlot.AlignedData);
  }

  /** Steps on the chart. */
  get points(): number {
    return this.#steps.length;
  }
}
