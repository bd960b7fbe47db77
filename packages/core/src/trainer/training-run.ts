import { describedAs, InvalidArgumentError } from '../errors.js';
import type { StepEvent, TrainingSummary } from './training-events.js';

/**
 * A training run that has not started yet. Await it to train to the end (callbacks still fire),
 * or iterate it with `for await` to receive each {@link StepEvent}. Either starts the run; a run
 * can be consumed once.
 */
export class TrainingRun implements AsyncIterable<StepEvent>, PromiseLike<TrainingSummary> {
  readonly #steps: AsyncGenerator<StepEvent, TrainingSummary>;
  #completion: Promise<TrainingSummary> | undefined;
  #iterated = false;

  constructor(steps: AsyncGenerator<StepEvent, TrainingSummary>) {
    this.#steps = steps;
  }

  [Symbol.asyncIterator](): AsyncIterator<StepEvent> {
    if (this.#iterated || this.#completion) {
      throw new InvalidArgumentError(
        'TrainingRun',
        'a run that has not been awaited or iterated yet',
        describedAs('a run already consumed'),
      );
    }
    this.#iterated = true;
    return this.#steps;
  }

  then<Result = TrainingSummary, Rejected = never>(
    onFulfilled?: ((summary: TrainingSummary) => Result | PromiseLike<Result>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Result | Rejected> {
    return this.#complete().then(onFulfilled, onRejected);
  }

  #complete(): Promise<TrainingSummary> {
    if (this.#iterated) {
      return Promise.reject(
        new InvalidArgumentError(
          'TrainingRun',
          'a run that is awaited or iterated, not both',
          describedAs('a run already being iterated'),
        ),
      );
    }
    this.#completion ??= (async () => {
      for (;;) {
        const result = await this.#steps.next();
        if (result.done) return result.value;
      }
    })();
    return this.#completion;
  }
}
