import cliProgress from 'cli-progress';

/** A progress bar on stderr for one evaluation (stdout stays clean for the JSON result). */
export interface EvaluationProgress {
  /** Sets the units done so far and what is being done. */
  update(done: number, phase: string): void;
  stop(): void;
}

export function evaluationProgress(metric: string, total: number, quiet = false): EvaluationProgress {
  if (quiet) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${metric} |{bar}| {percentage}% | {phase} | ETA {eta_formatted}`,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { phase: 'starting' });
  return {
    update(done, phase) {
      bar.update(Math.min(total, done), { phase });
    },
    stop() {
      bar.stop();
    },
  };
}
