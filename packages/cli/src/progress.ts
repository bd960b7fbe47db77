import cliProgress from 'cli-progress';

import { capTrainingSteps, type StepEvent } from '@ganforge/core';

/** What the training progress bar shows after each step. */
export interface TrainingProgress {
  update(event: StepEvent): void;
  stop(): void;
}

function formatLoss(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

/**
 * The step a run will stop at, as its progress bar shows it: `totalSteps` (the `--steps` total),
 * lowered by the `GANFORGE_MAX_STEPS` cap on the steps of this call (read silently: the training
 * loop prints the one line about the cap); with no `--steps`, the cap's step if there is one, else
 * undefined (the run stops by time).
 */
export function cappedTotalSteps(totalSteps: number | undefined, startStep: number): number | undefined {
  const remaining = totalSteps === undefined ? undefined : Math.max(0, totalSteps - startStep);
  const steps = capTrainingSteps('progress', remaining, { log: () => undefined });
  return steps === undefined ? undefined : startStep + steps;
}

/**
 * A progress bar (cli-progress) over steps, or over time when the run is bounded by duration:
 * step, steps/s, ETA and both losses. Off a TTY it prints a line every few seconds instead. The
 * total is the step the run stops at, after the `GANFORGE_MAX_STEPS` cap ({@link cappedTotalSteps}).
 */
export function trainingProgress(options: {
  totalSteps?: number;
  durationMs?: number;
  startStep: number;
}): TrainingProgress {
  const totalSteps = cappedTotalSteps(options.totalSteps, options.startStep);
  const byTime = totalSteps === undefined;
  const total = byTime ? Math.round((options.durationMs ?? 0) / 1000) : totalSteps;
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
