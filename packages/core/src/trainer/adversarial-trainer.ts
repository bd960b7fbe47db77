import * as tf from '@tensorflow/tfjs';

import type { Checkpoint, CheckpointConfig } from '../checkpoint/checkpoint.js';
import {
  assignWeightsInOrder,
  deserializeTensors,
  modelWeights,
  type NamedTensor,
  serializeModel,
  serializeTensors,
} from '../checkpoint/model-serialization.js';
import type { Dataset, TrainingBatch } from '../dataset.js';
import {
  CheckpointError,
  describedAs,
  InvalidArgumentError,
  NonFiniteLossError,
  ShapeMismatchError,
} from '../errors.js';
import type { AdversarialLoss } from '../losses/adversarial-loss.js';
import { registerMissingGradients } from '../gradients/register-missing-gradients.js';
import { NonFiniteWeightError } from '../non-finite-weight-error.js';
import { TrainingStateLostError } from '../training-state-lost-error.js';
import { nonSaturatingLoss } from '../losses/non-saturating-loss.js';
import type { DiscriminatorRegularizer } from '../regularizers/discriminator-regularizer.js';
import { deriveSeed, tfjsSeed } from '../seeds.js';
import { assertInteger, assertIsTensor, assertNumberInRange } from '../tensor-checks.js';
import { disposeAbandonedGradientTape } from './abandoned-gradient-tape.js';
import { GeneratorEma } from './generator-ema.js';
import { allFinite, finiteProbes, firstNonFinite } from './non-finite-weights.js';
import { dcganAdam, makeOptimizer, type OptimizerConfig } from './optimizer-config.js';
import { setOptimizerLearningRate } from './optimizer-learning-rate.js';
import { loadOptimizerState } from './optimizer-state.js';
import { MovingStatisticsCopy } from './moving-statistics.js';
import type {
  AdversarialTrainerOptions,
  DiscriminatorInputKind,
  DiscriminatorObjective,
  FitOptions,
  GeneratorInputKind,
  GeneratorInputs,
  GeneratorTerm,
  NoiseOptions,
} from './trainer-options.js';
import type { StepEvent, TrainingSummary } from './training-events.js';
import { TrainingRun } from './training-run.js';
import { TrainingStateSnapshot, type TrainingState } from './training-state-snapshot.js';
import { capTrainingSteps } from './training-step-cap.js';
import {
  discriminatorUpdatesKey,
  discriminatorUpdatesOf,
  type LearningRates,
  type StepUpdates,
  type TrainingControls,
  trainingControlsKey,
  trainingControlsOf,
} from './training-controls.js';

/** Scalars of one update, kept alive past their `tf.tidy` until they have been read. */
type NamedScalars = Map<string, tf.Scalar>;

/** Every tensor of the training state, named for error messages; `owned` are fresh tensors to dispose. */
interface NamedState {
  readonly named: NamedTensor[];
  readonly owned: tf.Tensor[];
}

/**
 * The one adversarial training loop of GANForge. Alternates discriminator and generator updates
 * with separate optimizers; every model family plugs into it through its hooks: what feeds the
 * generator (noise, condition, an image), what the discriminator sees (image, condition), the
 * discriminator objective (standard or matching-aware), regularizers, and extra weighted
 * generator terms. Each update runs inside `tf.tidy`; the random state is the seed and step.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { AdversarialTrainer, dcgan, TensorDataset } from '@ganforge/core';
 *
 * const { generator, discriminator } = dcgan({ size: 28, latentDim: 64 });
 * const trainer = new AdversarialTrainer({ generator, discriminator, noise: { dim: 64 }, seed: 1 });
 * const data = new TensorDataset({ real: tf.randomUniform([256, 28, 28, 1], -1, 1) });
 * await trainer.fit(data, { batchSize: 32, steps: 10, onStep: (e) => console.log(e.step, e.discriminatorLoss) });
 * ```
 */
export class AdversarialTrainer {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly loss: AdversarialLoss;
  readonly seed: number;

  readonly #noise: NoiseOptions | false;
  readonly #generatorInputs: readonly GeneratorInputKind[];
  readonly #discriminatorInputs: readonly DiscriminatorInputKind[];
  readonly #objective: DiscriminatorObjective;
  readonly #adversarialWeight: number;
  readonly #terms: readonly GeneratorTerm[];
  readonly #regularizers: readonly DiscriminatorRegularizer[];
  #discriminatorSteps: number;
  #optimizerConfigs: { generator: OptimizerConfig; discriminator: OptimizerConfig };
  /** Set once a live control changed the rates or k, so that checkpoints carry them to restore(). */
  #controlsChanged = false;
  readonly #generatorOptimizer: tf.Optimizer;
  readonly #discriminatorOptimizer: tf.Optimizer;
  readonly #ema: GeneratorEma | undefined;

  #step = 0;
  #epoch = 0;
  #batchInEpoch = 0;
  /** Discriminator updates run so far: each one's noise and penalty seeds derive from its count. */
  #discriminatorUpdates = 0;
  #running = false;
  /** Set when a failed step or restore could not be rolled back; cleared by a successful restore(). */
  #stateLost: TrainingStateLostError | undefined;

  constructor(options: AdversarialTrainerOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', 'an object with generator, discriminator and noise', options);
    }
    assertModel(options.generator, 'options.generator');
    assertModel(options.discriminator, 'options.discriminator');
    this.generator = options.generator;
    this.discriminator = options.discriminator;
    this.loss = options.loss ?? nonSaturatingLoss();
    this.seed = options.seed ?? 0;
    assertInteger(this.seed, 0, 2 ** 31 - 1, 'options.seed');

    if (options.noise !== false) {
      if (typeof options.noise !== 'object' || options.noise === null) {
        throw new InvalidArgumentError(
          'options.noise',
          '{ dim: number } or false (for a generator without noise)',
          options.noise,
        );
      }
      assertInteger(options.noise.dim, 1, 1 << 16, 'options.noise.dim');
      const distribution = options.noise.distribution ?? 'normal';
      if (distribution !== 'normal' && distribution !== 'uniform') {
        throw new InvalidArgumentError('options.noise.distribution', "'normal' or 'uniform'", distribution);
      }
    }
    this.#noise = options.noise;

    this.#generatorInputs = options.generatorInputs ?? [
      options.noise ? 'noise' : 'input',
      ...(this.generator.inputs.length > 1 ? (['condition'] as const) : []),
    ];
    this.#discriminatorInputs = options.discriminatorInputs ?? [
      'image',
      ...(this.discriminator.inputs.length > 1 ? (['condition'] as const) : []),
    ];
    assertInputKinds(this.#generatorInputs, this.generator, 'options.generatorInputs', ['noise', 'condition', 'input']);
    assertInputKinds(this.#discriminatorInputs, this.discriminator, 'options.discriminatorInputs', [
      'image',
      'condition',
    ]);
    if (this.#generatorInputs.includes('noise') && !this.#noise) {
      throw new InvalidArgumentError(
        'options.noise',
        "{ dim } because generatorInputs includes 'noise'",
        options.noise,
      );
    }
    if (!this.#discriminatorInputs.includes('image')) {
      throw new InvalidArgumentError(
        'options.discriminatorInputs',
        "a list that includes 'image'",
        this.#discriminatorInputs,
      );
    }

    this.#objective = options.discriminatorObjective ?? 'standard';
    if (this.#objective !== 'standard' && this.#objective !== 'matching-aware') {
      throw new InvalidArgumentError(
        'options.discriminatorObjective',
        "'standard' or 'matching-aware'",
        this.#objective,
      );
    }
    if (this.#objective === 'matching-aware' && !this.#discriminatorInputs.includes('condition')) {
      throw new InvalidArgumentError(
        'options.discriminatorObjective',
        "a discriminator that takes a condition when the objective is 'matching-aware'",
        this.#objective,
      );
    }
    this.#adversarialWeight = options.adversarialWeight ?? 1;
    assertNumberInRange(this.#adversarialWeight, 0, Number.MAX_VALUE, 'options.adversarialWeight');
    this.#terms = options.generatorTerms ?? [];
    this.#terms.forEach((term, index) => {
      if (typeof term?.compute !== 'function' || typeof term.name !== 'string') {
        throw new InvalidArgumentError(`options.generatorTerms[${index}]`, '{ name, weight, compute(context) }', term);
      }
      assertNumberInRange(term.weight, 0, Number.MAX_VALUE, `options.generatorTerms[${index}].weight`);
    });
    this.#regularizers = options.regularizers ?? [];
    // A penalty refuses a discriminator it cannot differentiate twice correctly (e.g. max pooling).
    for (const regularizer of this.#regularizers) regularizer.checkDiscriminator?.(this.discriminator);
    this.#discriminatorSteps = options.discriminatorStepsPerGeneratorStep ?? 1;
    assertInteger(this.#discriminatorSteps, 1, 100, 'options.discriminatorStepsPerGeneratorStep');

    this.#optimizerConfigs = {
      generator: options.generatorOptimizer ?? dcganAdam,
      discriminator: options.discriminatorOptimizer ?? dcganAdam,
    };
    this.#generatorOptimizer = makeOptimizer(this.#optimizerConfigs.generator, 'options.generatorOptimizer');
    this.#discriminatorOptimizer = makeOptimizer(
      this.#optimizerConfigs.discriminator,
      'options.discriminatorOptimizer',
    );
    this.#ema = options.ema
      ? new GeneratorEma(this.generator, options.ema.decay, options.ema.warmup ?? true)
      : undefined;
    registerMissingGradients();
  }

  /** Steps completed, counting steps before a resume. */
  get step(): number {
    return this.#step;
  }

  /** Passes over the data set completed. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Discriminator updates per generator update in a step (see {@link setDiscriminatorSteps}). */
  get discriminatorStepsPerGeneratorStep(): number {
    return this.#discriminatorSteps;
  }

  /** The optimizers' current learning rates (as built, or as {@link setLearningRates} last set them). */
  get learningRates(): { readonly generator: number; readonly discriminator: number } {
    return {
      generator: this.#optimizerConfigs.generator.learningRate,
      discriminator: this.#optimizerConfigs.discriminator.learningRate,
    };
  }

  /**
   * Changes the learning rates of a live trainer (GAN Lab's learning-rate controls), e.g. between
   * steps of a running `fit` or in its `onStep`. A rate takes effect from the next optimizer update;
   * the optimizers keep their state (Adam's moments, RMSProp's averages). Checkpoints record the new
   * rates (`config.optimizers` and `config.trainingControls`), and `restore()` of such a checkpoint
   * continues with them. An absent rate stays as it is.
   *
   * @throws InvalidArgumentError naming `rates`, `rates.generator` or `rates.discriminator` when a rate is
   * not a finite number in (0, 10] (the range the optimizer configs accept).
   *
   * @example
   * ```ts
   * trainer.setLearningRates({ discriminator: 1e-4 }); // the generator keeps its rate
   * ```
   */
  setLearningRates(rates: LearningRates): void {
    if (typeof rates !== 'object' || rates === null) {
      throw new InvalidArgumentError('rates', '{ generator?: number, discriminator?: number }', rates);
    }
    if (rates.generator !== undefined) assertNumberInRange(rates.generator, Number.MIN_VALUE, 10, 'rates.generator');
    if (rates.discriminator !== undefined) {
      assertNumberInRange(rates.discriminator, Number.MIN_VALUE, 10, 'rates.discriminator');
    }
    this.#applyLearningRates({ ...this.learningRates, ...definedRates(rates) });
    this.#controlsChanged = true;
  }

  /**
   * Changes k, the discriminator updates per generator update, of a live trainer, from the next step
   * on (a step in progress keeps its k). Checkpoints record it and `restore()` of such a checkpoint
   * continues with it. Seeds stay unique whatever k does: each discriminator update's noise derives
   * from the count of discriminator updates run so far, which checkpoints record too.
   *
   * @throws InvalidArgumentError naming `k` when it is not an integer in [1, 100].
   */
  setDiscriminatorSteps(k: number): void {
    assertInteger(k, 1, 100, 'k');
    this.#discriminatorSteps = k;
    this.#controlsChanged = true;
  }

  /**
   * Trains on `dataset`. The returned run is both awaitable (resolves to a summary) and
   * async-iterable (yields a {@link StepEvent} per step); consume it one way.
   * The environment variable `GANFORGE_MAX_STEPS` caps the steps of this call (see
   * {@link capTrainingSteps}); a cap prints one line.
   *
   * A step that fails (a non-finite loss or weight, an error from the data set, a term or a
   * callback inside the step) or is aborted half way is undone: the models, BatchNorm statistics,
   * optimizer state, EMA and counters are back as they were after the last completed step, so the
   * trainer can be checkpointed, sampled or trained on from there. The run rejects with the step's
   * error (a {@link TrainingStateLostError} instead if the rollback itself failed).
   *
   * `options.updates` (default `'both'`) makes every step of this call update only the discriminator
   * (its k updates, each on its own batch) or only the generator (one update on one batch, and the
   * EMA), as GAN Lab's single-step buttons do; see {@link FitOptions.updates}.
   *
   * @throws InvalidArgumentError for bad options, or a `GANFORGE_MAX_STEPS` that is not a positive integer.
   * @throws TrainingStateLostError when an earlier step could not be rolled back and no checkpoint was restored since.
   * The run rejects with NonFiniteLossError / NonFiniteWeightError when a step's losses or weights are NaN or infinite.
   */
  fit(dataset: Dataset<TrainingBatch>, options: FitOptions): TrainingRun {
    if (this.#stateLost) throw this.#stateLost;
    validateFitOptions(dataset, options);
    const steps = capTrainingSteps('AdversarialTrainer.fit', options.steps);
    return new TrainingRun(this.#train(dataset, options, steps));
  }

  /**
   * Generates images from seeded noise (and the given condition or input), in inference mode,
   * from the EMA weights when the trainer keeps them and `ema` is not false.
   */
  generate(options: {
    count: number;
    seed?: number;
    condition?: tf.Tensor;
    input?: tf.Tensor;
    ema?: boolean;
  }): tf.Tensor {
    assertInteger(options.count, 1, 1 << 16, 'options.count');
    return tf.tidy(() => {
      const noise = this.#noise ? this.#drawNoise(options.count, options.seed ?? this.seed) : undefined;
      const inputs = this.#generatorInputTensors(
        { noise, condition: options.condition, input: options.input },
        'options',
      );
      const run = () => this.generator.apply(inputs, { training: false }) as tf.Tensor;
      return this.#ema && options.ema !== false ? this.#ema.withAverageWeights(run) : run();
    });
  }

  /**
   * A checkpoint of the current state (models, optimizers, EMA, counters, config).
   *
   * @throws NonFiniteWeightError naming the first weight, BatchNorm statistic, optimizer slot or EMA
   * weight that holds NaN or ±Infinity: such a checkpoint would load and generate garbage, so none is
   * made (a store's previous checkpoint stays as it is).
   * @throws TrainingStateLostError when a failed step could not be rolled back and no checkpoint was restored since.
   */
  async checkpoint(metadata: Readonly<Record<string, unknown>> = {}): Promise<Checkpoint> {
    if (this.#stateLost) throw this.#stateLost;
    await this.#assertFinite('checkpoint', this.#step);
    const [generator, discriminator, generatorOptimizer, discriminatorOptimizer] = await Promise.all([
      serializeModel(this.generator),
      serializeModel(this.discriminator),
      this.#generatorOptimizer.getWeights(),
      this.#discriminatorOptimizer.getWeights(),
    ]);
    return {
      format: 'ganforge-checkpoint',
      version: 1,
      step: this.#step,
      epoch: this.#epoch,
      batchInEpoch: this.#batchInEpoch,
      seed: this.seed,
      config: this.#config(),
      metadata,
      generator,
      discriminator,
      generatorEma: this.#ema
        ? await serializeTensors(
            this.#ema.shadows.map((tensor, index) => ({ name: generator.weightSpecs[index]!.name, tensor })),
          )
        : undefined,
      optimizers: {
        generator: await serializeOptimizerState(generatorOptimizer),
        discriminator: await serializeOptimizerState(discriminatorOptimizer),
      },
    };
  }

  /**
   * Loads a checkpoint into this trainer (built with the same model options): weights, optimizer
   * state, EMA and counters, so that training continues exactly where it stopped (bit for bit on
   * the same backend, whatever step the checkpoint was written at). It frees the optimizer state it
   * replaces. If it fails half way, the trainer is put back as it was. A checkpoint written after
   * {@link setLearningRates} or {@link setDiscriminatorSteps} (`config.trainingControls`) brings its
   * rates and k along; otherwise the trainer keeps the rates and k it was built with (so a resume can
   * change them through the constructor, as the CLI's `--lr` does).
   *
   * @throws CheckpointError when the checkpoint does not fit this trainer (seed, EMA, weights, optimizer slots),
   * or its `config.trainingControls` / `config.discriminatorUpdates` are malformed.
   * @throws NonFiniteWeightError when a tensor of the checkpoint holds NaN or ±Infinity (nothing is changed).
   */
  async restore(checkpoint: Checkpoint): Promise<void> {
    if (checkpoint?.format !== 'ganforge-checkpoint') {
      throw new CheckpointError(
        'checkpoint: expected an object loaded from a CheckpointStore (format "ganforge-checkpoint").',
      );
    }
    if (checkpoint.seed !== this.seed) {
      throw new CheckpointError(
        `checkpoint: it was written by a trainer with seed ${checkpoint.seed}, this trainer has seed ${this.seed}. ` +
          'Use the same seed to resume exactly.',
      );
    }
    const config = checkpoint.config ?? {};
    const controls = trainingControlsOf(config);
    const discriminatorUpdates = discriminatorUpdatesOf(
      config,
      checkpoint.step,
      controls?.discriminatorStepsPerGeneratorStep ?? this.#discriminatorSteps,
    );
    const hasEma = checkpoint.generatorEma !== undefined;
    if (hasEma !== (this.#ema !== undefined)) {
      throw new CheckpointError(
        `checkpoint: it ${hasEma ? 'has' : 'has no'} generator EMA weights but this trainer ${this.#ema ? 'keeps' : 'keeps no'} an EMA. Use the same ema option.`,
      );
    }
    const decoded: NamedTensor[][] = [];
    try {
      const generatorWeights = modelWeights(checkpoint.generator);
      decoded.push(generatorWeights);
      const discriminatorWeights = modelWeights(checkpoint.discriminator);
      decoded.push(discriminatorWeights);
      const emaWeights = checkpoint.generatorEma ? deserializeTensors(checkpoint.generatorEma) : [];
      decoded.push(emaWeights);
      const generatorState = deserializeTensors(checkpoint.optimizers.generator);
      decoded.push(generatorState);
      const discriminatorState = deserializeTensors(checkpoint.optimizers.discriminator);
      decoded.push(discriminatorState);

      if (this.#ema && emaWeights.length !== this.generator.weights.length) {
        throw new CheckpointError(
          `checkpoint: it holds ${emaWeights.length} EMA tensors, the generator has ${this.generator.weights.length} weights.`,
          { code: 'CHECKPOINT_MISMATCH' },
        );
      }
      const generatorSlots = optimizerStateOf(generatorState, trainableVariables(this.generator), 'generator');
      const discriminatorSlots = optimizerStateOf(
        discriminatorState,
        trainableVariables(this.discriminator),
        'discriminator',
      );
      const everything = [
        ...prefixed(generatorWeights, 'generator weight'),
        ...prefixed(discriminatorWeights, 'discriminator weight'),
        ...prefixed(emaWeights, 'generator EMA weight'),
        ...prefixed(generatorSlots.slots, 'generator optimizer slot'),
        ...prefixed(discriminatorSlots.slots, 'discriminator optimizer slot'),
      ];
      if (!(await allFinite(everything))) {
        const found = (await firstNonFinite(everything))!;
        throw new NonFiniteWeightError('restore', checkpoint.step, found.name, found.value);
      }

      await this.#transaction('restore()', async () => {
        assignWeightsInOrder(this.generator.weights, generatorWeights, 'generator');
        assignWeightsInOrder(this.discriminator.weights, discriminatorWeights, 'discriminator');
        this.#ema?.assign(emaWeights.map(({ tensor }) => tensor));
        await loadOptimizerState(this.#generatorOptimizer, generatorSlots);
        await loadOptimizerState(this.#discriminatorOptimizer, discriminatorSlots);
      });
    } finally {
      for (const list of decoded) tf.dispose(list.map(({ tensor }) => tensor));
    }
    this.#step = checkpoint.step;
    this.#epoch = checkpoint.epoch;
    this.#batchInEpoch = checkpoint.batchInEpoch;
    this.#discriminatorUpdates = discriminatorUpdates;
    if (controls) {
      this.#applyLearningRates(controls.learningRates);
      this.#discriminatorSteps = controls.discriminatorStepsPerGeneratorStep;
      this.#controlsChanged = true;
    }
    this.#stateLost = undefined;
  }

  /** Frees what the trainer created (optimizer slots, EMA weights); the models stay the caller's. */
  dispose(): void {
    this.#generatorOptimizer.dispose();
    this.#discriminatorOptimizer.dispose();
    this.#ema?.dispose();
  }

  #applyLearningRates(rates: { readonly generator: number; readonly discriminator: number }): void {
    setOptimizerLearningRate(this.#generatorOptimizer, rates.generator);
    setOptimizerLearningRate(this.#discriminatorOptimizer, rates.discriminator);
    this.#optimizerConfigs = {
      generator: { ...this.#optimizerConfigs.generator, learningRate: rates.generator },
      discriminator: { ...this.#optimizerConfigs.discriminator, learningRate: rates.discriminator },
    };
  }

  #config(): CheckpointConfig {
    return {
      loss: { name: this.loss.name, config: this.loss.config },
      optimizers: this.#optimizerConfigs,
      noise: this.#noise,
      generatorInputs: this.#generatorInputs,
      discriminatorInputs: this.#discriminatorInputs,
      discriminatorObjective: this.#objective,
      adversarialWeight: this.#adversarialWeight,
      generatorTerms: this.#terms.map(({ name, weight }) => ({ name, weight })),
      regularizers: this.#regularizers.map(({ name, config }) => ({ name, config })),
      discriminatorStepsPerGeneratorStep: this.#discriminatorSteps,
      ema: this.#ema ? { decay: this.#ema.decay, warmup: this.#ema.warmup } : false,
      [discriminatorUpdatesKey]: this.#discriminatorUpdates,
      ...(this.#controlsChanged
        ? {
            [trainingControlsKey]: {
              learningRates: this.learningRates,
              discriminatorStepsPerGeneratorStep: this.#discriminatorSteps,
            } satisfies TrainingControls,
          }
        : {}),
    };
  }

  /** The variables and optimizers a training step changes. */
  #trainingState(): TrainingState {
    return {
      variables: [
        ...this.generator.weights.map((weight) => weight.read() as tf.Variable),
        ...this.discriminator.weights.map((weight) => weight.read() as tf.Variable),
        ...(this.#ema?.shadows ?? []),
      ],
      optimizers: [this.#generatorOptimizer, this.#discriminatorOptimizer],
    };
  }

  /** Every tensor of the training state, named as an error message names it. */
  async #namedState(): Promise<NamedState> {
    const [generatorState, discriminatorState] = await Promise.all([
      this.#generatorOptimizer.getWeights(),
      this.#discriminatorOptimizer.getWeights(),
    ]);
    const layerWeights = (model: tf.LayersModel, owner: string) =>
      model.weights.map((weight) => ({ name: `${owner} '${weight.originalName}'`, tensor: weight.read() }));
    return {
      named: [
        ...layerWeights(this.generator, 'generator weight'),
        ...layerWeights(this.discriminator, 'discriminator weight'),
        ...(this.#ema?.shadows ?? []).map((tensor, index) => ({
          name: `generator EMA weight '${this.generator.weights[index]!.originalName}'`,
          tensor,
        })),
        ...prefixed(generatorState.slice(1), 'generator optimizer slot'),
        ...prefixed(discriminatorState.slice(1), 'discriminator optimizer slot'),
      ],
      // getWeights() makes a fresh scalar for the iteration count (its first entry).
      owned: [generatorState[0]!.tensor, discriminatorState[0]!.tensor],
    };
  }

  /**
   * Throws NonFiniteWeightError naming the first non-finite tensor of the training state. With
   * `probed`, the caller's probes already said "maybe": only the full read remains.
   */
  async #assertFinite(check: 'step' | 'checkpoint', step: number, options?: { probed: true }): Promise<void> {
    const state = await this.#namedState();
    try {
      if (!options?.probed && (await allFinite(state.named))) return;
      const found = await firstNonFinite(state.named);
      if (found) throw new NonFiniteWeightError(check, step, found.name, found.value);
    } finally {
      tf.dispose(state.owned);
    }
  }

  /**
   * Runs `change`; if it throws, puts the training state back as it was and rethrows. A rollback
   * that fails marks the trainer's state as lost (fit and checkpoint refuse until a restore).
   */
  async #transaction<T>(what: string, change: () => Promise<T>): Promise<T> {
    const snapshot = await TrainingStateSnapshot.capture(this.#trainingState());
    try {
      return await change();
    } catch (error) {
      await this.#rollBack(snapshot, what, error);
      throw error;
    } finally {
      snapshot.dispose();
    }
  }

  async #rollBack(snapshot: TrainingStateSnapshot, what: string, cause: unknown): Promise<void> {
    try {
      await snapshot.restore();
    } catch (rollbackError) {
      this.#stateLost = new TrainingStateLostError(what, cause, rollbackError);
      throw this.#stateLost;
    }
  }

  async *#train(
    dataset: Dataset<TrainingBatch>,
    options: FitOptions,
    steps: number | undefined,
  ): AsyncGenerator<StepEvent, TrainingSummary> {
    if (this.#running) {
      throw new InvalidArgumentError('fit', 'one fit() at a time per trainer', describedAs('a second concurrent call'));
    }
    this.#running = true;
    const started = performance.now();
    const startStep = this.#step;
    const startEpoch = this.#epoch;
    const batches = new EpochCursor(dataset, options.batchSize, this.seed, options.signal);
    const sampleInputs = options.samples ? this.#sampleInputs(options.samples) : undefined;
    let lastStep: StepEvent | undefined;
    let stoppedBy: TrainingSummary['stoppedBy'] = 'steps';
    try {
      for (;;) {
        if (options.signal?.aborted) {
          stoppedBy = 'abort';
          break;
        }
        if (steps !== undefined && this.#step - startStep >= steps) {
          stoppedBy = 'steps';
          break;
        }
        if (options.epochs !== undefined && this.#epoch - startEpoch >= options.epochs) {
          stoppedBy = 'epochs';
          break;
        }
        if (options.durationMs !== undefined && performance.now() - started >= options.durationMs) {
          stoppedBy = 'duration';
          break;
        }

        const stepStarted = performance.now();
        const values = await this.#runStep(batches, options.updates ?? 'both');
        if (values === undefined) {
          stoppedBy = 'abort';
          break;
        }
        this.#step += 1;
        const now = performance.now();
        lastStep = {
          step: this.#step,
          epoch: this.#epoch,
          discriminatorLoss: values.get('discriminator')!,
          generatorLoss: values.get('generator')!,
          terms: Object.fromEntries([...values].filter(([name]) => name !== 'discriminator' && name !== 'generator')),
          durationMs: now - stepStarted,
          stepsPerSecond: ((this.#step - startStep) * 1000) / Math.max(now - started, 1e-3),
        };
        await options.onStep?.(lastStep);
        yield lastStep;

        if (sampleInputs && options.samples && this.#step % options.samples.every === 0) {
          await this.#emitSample(sampleInputs, options);
        }
        const every = options.checkpoints?.every;
        if (every && this.#step % every === 0) await this.#writeCheckpoint(options, 'interval');
      }
      await this.#writeCheckpoint(options, stoppedBy === 'abort' ? 'abort' : 'end');
      return {
        stepsRun: this.#step - startStep,
        step: this.#step,
        epoch: this.#epoch,
        stoppedBy,
        durationMs: performance.now() - started,
        lastStep,
      };
    } finally {
      await batches.close();
      if (sampleInputs) tf.dispose(Object.values(sampleInputs));
      this.#running = false;
    }
  }

  /**
   * One step: D updates on fresh batches, then one G update (or only one side, per `updates`).
   * Returns the losses, or undefined on abort. A step that throws or is aborted is rolled back
   * (weights, optimizers, EMA, counters).
   */
  async #runStep(batches: EpochCursor, updates: StepUpdates): Promise<Map<string, number> | undefined> {
    const position = {
      epoch: this.#epoch,
      batchInEpoch: this.#batchInEpoch,
      discriminatorUpdates: this.#discriminatorUpdates,
    };
    const step = this.#step + 1;
    try {
      return await this.#transaction(`Step ${step}`, async () => {
        const values = await this.#updateOnce(batches, step, updates);
        if (values === undefined) throw new StepAborted(step);
        return values;
      });
    } catch (error) {
      disposeAbandonedGradientTape();
      // Forget the step's batches too, so that a resume replays the whole step.
      this.#epoch = position.epoch;
      this.#batchInEpoch = position.batchInEpoch;
      this.#discriminatorUpdates = position.discriminatorUpdates;
      if (error instanceof StepAborted) return undefined;
      throw error;
    }
  }

  async #updateOnce(
    batches: EpochCursor,
    step: number,
    updates: StepUpdates,
  ): Promise<Map<string, number> | undefined> {
    const scalars: NamedScalars = new Map();
    // k is read once: a setDiscriminatorSteps() during the step's awaits applies from the next step.
    const discriminatorUpdates = updates === 'generator' ? 0 : this.#discriminatorSteps;
    // The network a one-sided step leaves alone must not move, BatchNorm statistics included.
    const untouched =
      updates === 'both'
        ? undefined
        : MovingStatisticsCopy.capture([updates === 'discriminator' ? this.generator : this.discriminator]);
    let batch: TrainingBatch | undefined;
    try {
      for (let dStep = 0; dStep < Math.max(discriminatorUpdates, 1); dStep++) {
        if (batch) disposeBatch(batch);
        const next = await batches.next(this.#epoch, this.#batchInEpoch);
        if (next === undefined) {
          batch = undefined;
          return undefined;
        }
        batch = next.batch;
        this.#batchInEpoch += 1;
        if (next.endsEpoch) {
          this.#epoch += 1;
          this.#batchInEpoch = 0;
        }
        validateBatch(batch, this.#generatorInputs, this.#discriminatorInputs, this.#objective);
        if (dStep < discriminatorUpdates) {
          disposeScalars(scalars);
          this.#discriminatorUpdate(batch, this.#discriminatorUpdates, scalars);
          this.#discriminatorUpdates += 1;
        }
      }
      if (updates === 'discriminator') {
        this.#evaluateGenerator(batch!, scalars);
      } else {
        if (updates === 'generator') this.#evaluateDiscriminator(batch!, scalars);
        this.#generatorUpdate(batch!, scalars);
        this.#ema?.update(this.#step);
      }
      untouched?.restoreAndDispose();
      // The losses and finiteness probes of the whole state, read with one sync: a step can leave
      // non-finite weights behind finite losses (BatchNorm statistics of huge inputs, overflowing updates).
      const state = await this.#namedState();
      let read: Awaited<ReturnType<typeof readScalars>>;
      try {
        read = await readScalars(scalars, finiteProbes(state.named.map(({ tensor }) => tensor)), step);
      } finally {
        tf.dispose(state.owned);
      }
      if (!read.probesFinite) await this.#assertFinite('step', step, { probed: true });
      return read.losses;
    } finally {
      // Frees the copies when the step failed (the rollback puts everything back); no-op after restoreAndDispose.
      untouched?.restoreAndDispose();
      if (batch) disposeBatch(batch);
      disposeScalars(scalars);
    }
  }

  #discriminatorUpdate(batch: TrainingBatch, counter: number, scalars: NamedScalars): void {
    tf.tidy(() => {
      const batchSize = batch.real.shape[0]!;
      const noise = this.#noise
        ? this.#drawNoise(batchSize, deriveSeed(this.seed, 'discriminator-noise', counter))
        : undefined;
      // Outside the optimizer's gradient tape: no gradient work is spent on the generator here.
      const fake = this.#runGenerator({ noise, condition: batch.condition, input: batch.input });
      assertSameShape(fake, batch.real);
      const total = this.#discriminatorOptimizer.minimize(
        () =>
          this.#discriminatorLoss(
            batch,
            fake,
            (index) => deriveSeed(this.seed, `regularizer-${index}`, counter),
            scalars,
          ),
        true,
        trainableVariables(this.discriminator),
      );
      scalars.set('discriminator', tf.keep(total!));
    });
  }

  /**
   * D's loss on `batch` against the images G would be trained on this step, forward only (no
   * gradient, no update, both networks' BatchNorm statistics put back): a generator-only step's report.
   */
  #evaluateDiscriminator(batch: TrainingBatch, scalars: NamedScalars): void {
    const statistics = MovingStatisticsCopy.capture([this.generator, this.discriminator]);
    try {
      tf.tidy(() => {
        const fake = this.#runGenerator({
          noise: this.#generatorNoise(batch),
          condition: batch.condition,
          input: batch.input,
        });
        assertSameShape(fake, batch.real);
        const seed = (index: number) => deriveSeed(this.seed, `regularizer-${index}-evaluation`, this.#step);
        scalars.set('discriminator', tf.keep(this.#discriminatorLoss(batch, fake, seed, scalars)));
      });
    } finally {
      statistics.restoreAndDispose();
    }
  }

  /** D's loss (adversarial plus regularizers) on real and generated images; records its parts in `scalars`. */
  #discriminatorLoss(
    batch: TrainingBatch,
    fake: tf.Tensor,
    regularizerSeed: (index: number) => number,
    scalars: NamedScalars,
  ): tf.Scalar {
    const discriminate = (images: tf.Tensor, condition = batch.condition) => this.#runDiscriminator(images, condition);
    const realLogits = discriminate(batch.real);
    const fakeLogits = discriminate(fake);
    let adversarial: tf.Scalar;
    if (this.#objective === 'matching-aware') {
      const mismatched = batch.mismatchedCondition ?? rollBatch(batch.condition!);
      const wrongLogits = discriminate(batch.real, mismatched);
      adversarial = tf.mul(
        0.5,
        tf.add(this.loss.discriminator(realLogits, wrongLogits), this.loss.discriminator(realLogits, fakeLogits)),
      );
    } else {
      adversarial = this.loss.discriminator(realLogits, fakeLogits);
    }
    scalars.set('discriminator_adversarial', tf.keep(adversarial));
    let loss: tf.Scalar = adversarial;
    this.#regularizers.forEach((regularizer, index) => {
      const penalty = regularizer.penalty({
        real: batch.real,
        fake,
        discriminate: (images) => discriminate(images),
        seed: regularizerSeed(index),
      });
      scalars.set(regularizer.name, tf.keep(penalty));
      loss = tf.add(loss, penalty);
    });
    return loss;
  }

  #generatorUpdate(batch: TrainingBatch, scalars: NamedScalars): void {
    tf.tidy(() => {
      const noise = this.#generatorNoise(batch);
      const total = this.#generatorOptimizer.minimize(
        () => this.#generatorLoss(batch, noise, scalars),
        true,
        trainableVariables(this.generator),
      );
      scalars.set('generator', tf.keep(total!));
    });
  }

  /**
   * G's loss on `batch` with this step's generator noise, forward only (no gradient, no update, both
   * networks' BatchNorm statistics put back): a discriminator-only step's report.
   */
  #evaluateGenerator(batch: TrainingBatch, scalars: NamedScalars): void {
    const statistics = MovingStatisticsCopy.capture([this.generator, this.discriminator]);
    try {
      tf.tidy(() => {
        scalars.set('generator', tf.keep(this.#generatorLoss(batch, this.#generatorNoise(batch), scalars)));
      });
    } finally {
      statistics.restoreAndDispose();
    }
  }

  /** This step's generator noise (the generator's update, or its evaluation, draws the same). */
  #generatorNoise(batch: TrainingBatch): tf.Tensor2D | undefined {
    return this.#noise
      ? this.#drawNoise(batch.real.shape[0]!, deriveSeed(this.seed, 'generator-noise', this.#step))
      : undefined;
  }

  /** G's loss: the weighted adversarial term plus weighted extra terms; records its parts in `scalars`. */
  #generatorLoss(batch: TrainingBatch, noise: tf.Tensor | undefined, scalars: NamedScalars): tf.Scalar {
    const fake = this.#runGenerator({ noise, condition: batch.condition, input: batch.input });
    const adversarial = this.loss.generator(this.#runDiscriminator(fake, batch.condition));
    scalars.set('adversarial', tf.keep(adversarial));
    let loss: tf.Scalar = tf.mul(adversarial, this.#adversarialWeight);
    this.#terms.forEach((term, index) => {
      const value = term.compute({
        fake,
        batch,
        noise,
        generate: (inputs) => this.#runGenerator(inputs),
        discriminate: (images, condition) => this.#runDiscriminator(images, condition),
        loss: this.loss,
        seed: deriveSeed(this.seed, `generator-term-${index}`, this.#step),
      });
      scalars.set(term.name, tf.keep(value));
      loss = tf.add(loss, tf.mul(value, term.weight));
    });
    return loss;
  }

  #runGenerator(inputs: GeneratorInputs): tf.Tensor {
    return this.generator.apply(this.#generatorInputTensors(inputs, 'batch'), { training: true }) as tf.Tensor;
  }

  #runDiscriminator(images: tf.Tensor, condition: tf.Tensor | undefined): tf.Tensor {
    const inputs = this.#discriminatorInputs.map((kind) =>
      kind === 'image' ? images : requireTensor(condition, 'batch.condition'),
    );
    return this.discriminator.apply(inputs, { training: true }) as tf.Tensor;
  }

  #generatorInputTensors(inputs: GeneratorInputs, owner: string): tf.Tensor[] {
    return this.#generatorInputs.map((kind) => requireTensor(inputs[kind], `${owner}.${kind}`));
  }

  #drawNoise(count: number, seed: number): tf.Tensor2D {
    const noise = this.#noise as NoiseOptions;
    // tfjs's uniform draw takes seed 0 as a seed; its normal draw needs tfjsSeed (0 reads as "no seed").
    return noise.distribution === 'uniform'
      ? tf.randomUniform([count, noise.dim], -1, 1, 'float32', seed)
      : tf.randomNormal([count, noise.dim], 0, 1, 'float32', tfjsSeed(seed));
  }

  #sampleInputs(samples: NonNullable<FitOptions['samples']>): GeneratorInputs {
    const count = samples.count ?? samples.condition?.shape[0] ?? samples.input?.shape[0] ?? 64;
    return {
      noise: this.#noise ? this.#drawNoise(count, deriveSeed(this.seed, 'sample-noise', 0)) : undefined,
      condition: samples.condition ? tf.clone(samples.condition) : undefined,
      input: samples.input ? tf.clone(samples.input) : undefined,
    };
  }

  async #emitSample(inputs: GeneratorInputs, options: FitOptions): Promise<void> {
    const images = tf.tidy(() => {
      const tensors = this.#generatorInputTensors(inputs, 'samples');
      const run = () => this.generator.apply(tensors, { training: false }) as tf.Tensor;
      return this.#ema && options.samples?.ema !== false ? this.#ema.withAverageWeights(run) : run();
    });
    try {
      await options.onSample?.({ step: this.#step, images });
    } finally {
      images.dispose();
    }
  }

  async #writeCheckpoint(options: FitOptions, reason: 'interval' | 'end' | 'abort'): Promise<void> {
    const target = options.checkpoints;
    if (!target) return;
    const name = target.name ?? 'latest';
    await target.store.save(name, await this.checkpoint(target.metadata));
    await options.onCheckpoint?.({ step: this.#step, name, reason });
  }
}

/**
 * Walks epochs of a data set. Each epoch's shuffle seed derives from the trainer's seed and the
 * epoch number, and a resumed run skips the batches its checkpoint already consumed. It reads one
 * batch ahead, so the step that takes a pass's last batch knows that it ends the epoch.
 */
class EpochCursor {
  #iterator: AsyncIterator<TrainingBatch> | undefined;
  #ahead: IteratorResult<TrainingBatch> | undefined;

  constructor(
    private readonly dataset: Dataset<TrainingBatch>,
    private readonly batchSize: number,
    private readonly seed: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** The next batch and whether it was its pass's last; undefined once aborted. */
  async next(epoch: number, batchInEpoch: number): Promise<{ batch: TrainingBatch; endsEpoch: boolean } | undefined> {
    if (this.signal?.aborted) return undefined;
    if (!this.#iterator) await this.#open(epoch, batchInEpoch);
    const batch = (this.#ahead as IteratorYieldResult<TrainingBatch>).value;
    this.#ahead = await this.#iterator!.next();
    // A data set that honours the signal may end its pass early: that is an abort, not an epoch end.
    if (this.signal?.aborted) {
      disposeBatch(batch);
      return undefined;
    }
    const endsEpoch = this.#ahead.done === true;
    // Open the next pass at once, so that one batch is always held ahead and memory stays flat.
    if (endsEpoch) await this.#open(epoch + 1, 0);
    return { batch, endsEpoch };
  }

  async #open(epoch: number, batchInEpoch: number): Promise<void> {
    const pass = this.dataset.batches(this.batchSize, {
      seed: deriveSeed(this.seed, 'data', epoch),
      signal: this.signal,
    });
    this.#iterator = pass[Symbol.asyncIterator]();
    this.#ahead = await this.#iterator.next();
    for (let skipped = 0; skipped < batchInEpoch && !this.#ahead.done; skipped++) {
      disposeBatch(this.#ahead.value);
      this.#ahead = await this.#iterator.next();
    }
    if (this.#ahead.done) {
      throw new InvalidArgumentError(
        'dataset',
        'a data set that yields at least one batch per pass',
        describedAs('an empty pass'),
      );
    }
  }

  async close(): Promise<void> {
    if (this.#ahead && !this.#ahead.done) disposeBatch(this.#ahead.value);
    this.#ahead = undefined;
    await this.#iterator?.return?.();
    this.#iterator = undefined;
  }
}

/**
 * Serializes `optimizer.getWeights()`. tfjs makes a fresh scalar for the iteration count on every
 * call (the slots themselves are the optimizer's variables), so that scalar is disposed here.
 */
async function serializeOptimizerState(slots: { name: string; tensor: tf.Tensor }[]) {
  try {
    return await serializeTensors(slots);
  } finally {
    tf.dispose(slots.map(({ tensor }) => tensor).filter((tensor) => !(tensor instanceof tf.Variable)));
  }
}

function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/** Conditions shifted by one position in the batch: each real image paired with another's condition. */
function rollBatch(condition: tf.Tensor): tf.Tensor {
  const size = condition.shape[0]!;
  if (size < 2) return condition;
  return tf.concat([condition.slice(1, size - 1), condition.slice(0, 1)]);
}

function requireTensor(value: tf.Tensor | undefined, argument: string): tf.Tensor {
  if (value === undefined) {
    throw new InvalidArgumentError(argument, 'a tensor, because the model takes this input', undefined);
  }
  return value;
}

function assertModel(value: unknown, argument: string): asserts value is tf.LayersModel {
  const isModel =
    typeof value === 'object' && value !== null && 'apply' in value && 'trainableWeights' in value && 'inputs' in value;
  if (!isModel)
    throw new InvalidArgumentError(argument, 'a tf.LayersModel (e.g. from tf.model or dcganGenerator)', value);
}

function assertInputKinds(
  kinds: readonly string[],
  model: tf.LayersModel,
  argument: string,
  allowed: readonly string[],
): void {
  if (!Array.isArray(kinds) || kinds.some((kind) => !allowed.includes(kind)) || new Set(kinds).size !== kinds.length) {
    throw new InvalidArgumentError(
      argument,
      `distinct entries from ${allowed.map((kind) => `'${kind}'`).join(', ')}`,
      kinds,
    );
  }
  if (kinds.length !== model.inputs.length) {
    throw new InvalidArgumentError(
      argument,
      `${model.inputs.length} entr${model.inputs.length === 1 ? 'y' : 'ies'}, one per input of model '${model.name}'`,
      kinds,
    );
  }
}

function assertSameShape(fake: tf.Tensor, real: tf.Tensor): void {
  if (!tf.util.arraysEqual(fake.shape, real.shape)) {
    throw new ShapeMismatchError(
      'generator output',
      `[${real.shape.join(', ')}] (the shape of batch.real)`,
      fake.shape,
      'The generator must produce samples shaped like the real data.',
    );
  }
}

function validateBatch(
  batch: TrainingBatch,
  generatorInputs: readonly GeneratorInputKind[],
  discriminatorInputs: readonly DiscriminatorInputKind[],
  objective: DiscriminatorObjective,
): void {
  if (typeof batch !== 'object' || batch === null)
    throw new InvalidArgumentError('batch', '{ real, condition?, input? }', batch);
  assertIsTensor(batch.real, 'batch.real');
  const size = batch.real.shape[0];
  const needsCondition = generatorInputs.includes('condition') || discriminatorInputs.includes('condition');
  for (const key of ['condition', 'input', 'mismatchedCondition'] as const) {
    const value = batch[key];
    const required = (key === 'condition' && needsCondition) || (key === 'input' && generatorInputs.includes('input'));
    if (value === undefined) {
      if (required)
        throw new InvalidArgumentError(`batch.${key}`, 'a tensor, because the models take this input', undefined);
      continue;
    }
    assertIsTensor(value, `batch.${key}`);
    if (value.shape[0] !== size) {
      throw new ShapeMismatchError(`batch.${key}`, `[${size}, ...] (one row per real sample)`, value.shape);
    }
  }
  if (objective === 'matching-aware' && batch.mismatchedCondition === undefined && size !== undefined && size < 2) {
    throw new InvalidArgumentError(
      'batchSize',
      "at least 2 for the 'matching-aware' objective (conditions are rolled within the batch)",
      size,
    );
  }
}

function validateFitOptions(dataset: Dataset<TrainingBatch>, options: FitOptions): void {
  if (typeof dataset?.batches !== 'function') {
    throw new InvalidArgumentError('dataset', 'a Dataset with a batches(batchSize, { seed }) method', dataset);
  }
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options', '{ batchSize, steps | epochs | durationMs }', options);
  assertInteger(options.batchSize, 1, 1 << 16, 'options.batchSize');
  if (
    options.steps === undefined &&
    options.epochs === undefined &&
    options.durationMs === undefined &&
    options.signal === undefined
  ) {
    throw new InvalidArgumentError(
      'options',
      'at least one of steps, epochs, durationMs or signal to say when to stop',
      options,
    );
  }
  if (options.steps !== undefined) assertInteger(options.steps, 0, Number.MAX_SAFE_INTEGER, 'options.steps');
  if (options.epochs !== undefined) assertInteger(options.epochs, 0, Number.MAX_SAFE_INTEGER, 'options.epochs');
  if (options.durationMs !== undefined)
    assertNumberInRange(options.durationMs, 0, Number.MAX_VALUE, 'options.durationMs');
  if (options.updates !== undefined && !['both', 'discriminator', 'generator'].includes(options.updates)) {
    throw new InvalidArgumentError('options.updates', "'both', 'discriminator' or 'generator'", options.updates);
  }
  if (options.samples) assertInteger(options.samples.every, 1, Number.MAX_SAFE_INTEGER, 'options.samples.every');
  if (options.checkpoints?.every !== undefined)
    assertInteger(options.checkpoints.every, 1, Number.MAX_SAFE_INTEGER, 'options.checkpoints.every');
}

function disposeBatch(batch: TrainingBatch): void {
  tf.dispose(
    [batch.real, batch.condition, batch.input, batch.mismatchedCondition].filter(
      (t): t is tf.Tensor => t !== undefined,
    ),
  );
}

function disposeScalars(scalars: NamedScalars): void {
  for (const scalar of scalars.values()) scalar.dispose();
  scalars.clear();
}

/**
 * Reads the losses and the state's finiteness probes (see {@link finiteProbes}) in one sync, and
 * disposes the probes. Throws NonFiniteLossError for the first non-finite loss.
 */
async function readScalars(
  scalars: NamedScalars,
  probes: tf.Scalar[],
  step: number,
): Promise<{ losses: Map<string, number>; probesFinite: boolean }> {
  const names = [...scalars.keys()];
  const stacked = tf.stack([...scalars.values(), ...probes]);
  tf.dispose(probes);
  const values = await stacked.data();
  stacked.dispose();
  const losses = new Map<string, number>();
  names.forEach((name, index) => {
    const value = values[index]!;
    if (!Number.isFinite(value)) throw new NonFiniteLossError(step, name, value);
    losses.set(name, value);
  });
  return { losses, probesFinite: values.subarray(names.length).every((value) => Number.isFinite(value)) };
}

/** Thrown inside a step's transaction when the signal aborts it half way, so that it is rolled back. */
class StepAborted extends Error {
  constructor(step: number) {
    super(`step ${step} was aborted by the signal before it completed`);
  }
}

/** Entries of `named` with `owner` in front of each name. */
function prefixed(named: readonly NamedTensor[], owner: string): NamedTensor[] {
  return named.map(({ name, tensor }) => ({ name: `${owner} '${name}'`, tensor }));
}

/**
 * Splits decoded optimizer state (iteration count, then slots) and checks the slots against the
 * model's trainable weights: tfjs's optimizers keep k slots per weight in k blocks (Adam m then v,
 * RMSProp mean squares, moments and mean gradients), none before the first step.
 */
function optimizerStateOf(
  state: readonly NamedTensor[],
  trainable: readonly tf.Variable[],
  owner: 'generator' | 'discriminator',
): { iterations: tf.Tensor; slots: NamedTensor[] } {
  const [iterations, ...slots] = state;
  const fits =
    iterations !== undefined &&
    iterations.tensor.size === 1 &&
    (trainable.length === 0 ? slots.length === 0 : slots.length % trainable.length === 0) &&
    slots.every(({ tensor }, index) => tf.util.arraysEqual(tensor.shape, trainable[index % trainable.length]!.shape));
  if (!fits) {
    throw new CheckpointError(
      `checkpoint: its ${owner} optimizer state (${state.length} tensors) does not fit the ${owner}'s ` +
        `${trainable.length} trainable weights: expected an iteration count, then slots shaped like those weights. ` +
        'Restore a checkpoint written by a trainer built with the same models and optimizer.',
      { code: 'CHECKPOINT_MISMATCH' },
    );
  }
  return { iterations: iterations.tensor, slots };
}

/** The rates of `rates` that are set (an explicit undefined leaves a rate as it is). */
function definedRates(rates: LearningRates): LearningRates {
  return Object.fromEntries(Object.entries(rates).filter(([, rate]) => rate !== undefined));
}
