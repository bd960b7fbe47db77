import cliProgress from 'cli-progress';

import type { StepEvent } from '@ganforge/core';

/** What the training progress bar shows after each step. */
export interface TrainingProgress {
  update(event: StepEvent): void;
  stop(): void;
}

function formatLoss(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

/**
 * A progress bar (cli-progress) over steps, or over time when the run is bounded by duration:
 * step, steps/s, ETA and both losses. Off a TTY it prints a line every few seconds instead.
 */
export function trainingProgress(options: {
  totalSteps?: number;
  durationMs?: number;
  startStep: number;
}): TrainingProgress {
  const byTime = options.totalSteps === undefined;
  const total = byTime ? Math.round((options.durationMs ?? 0) / 1000) : options.totalSteps!;
  const bar = new cliProgress.SingleBar(
    {
      format: byTime
        ? 'train |{bar}| {value}/{total} s | step {step} | {speed} steps/s | D {dLoss} G {gLoss}'
        : 'train |{bar}| step {value}/{total} | {speed} steps/s | ETA {eta_formatted} | D {dLoss} G {gLoss}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, byTime ? 0 : options.startStep, { step: options.startStep, speed: '-', dLoss: '-', gLoss: '-' });
  return {
    update(event) {
      const payload = {
        step: event.step,
        speed: event.stepsPerSecond.toFixed(2),
        dLoss: formatLoss(event.discriminatorLoss),
        gLoss: formatLoss(event.generatorLoss),
      };
      bar.update(byTime ? Math.min(total, Math.round((Date.now() - started) / 1000)) : event.step, payload);
    },
    stop() {
      bar.stop();
    },
  };
}
