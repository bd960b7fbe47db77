import type { BrowserBackendName } from '@ganforge/backend-browser';
import type { RgbaImage } from '@ganforge/data';

/** The models the Train panel trains: a DCGAN or a three-level LAPGAN, both on 28x28 greyscale images. */
export type TrainModel = 'dcgan' | 'lapgan';
/** The data sets the studio serves (vite/studio-data-plugin.ts). */
export type TrainDataset = 'mnist' | 'fashion-mnist';
/** One single update while paused: a discriminator step or a generator step. */
export type SingleUpdate = 'discriminator' | 'generator';

export interface LearningRates {
  readonly generator: number;
  readonly discriminator: number;
}

/** What the page asks the worker to train. */
export interface TrainJob {
  readonly model: TrainModel;
  readonly dataset: TrainDataset;
  /** Absolute URL of the data set's IDX file (the worker fetches it itself). */
  readonly dataUrl: string;
  readonly backend: BrowserBackendName | undefined;
  readonly wasmPaths: Readonly<Record<string, string>>;
  readonly learningRates: LearningRates;
  /** Discriminator updates per generator update. */
  readonly discriminatorSteps: number;
  /** Send sample grids every this many steps (rounds for LAPGAN). */
  readonly snapshotEvery: number;
  /** Continue this run: a run folder's files, as `ganforge train` writes them. */
  readonly resumeFiles?: Readonly<Record<string, Uint8Array>>;
}

/** Which backend the worker computes on, and what it trains. */
export interface TrainReady {
  readonly backend: string;
  readonly device: string;
  /** Training images the model uses. */
  readonly images: number;
  /** Step the run starts from (0, or a continued run's step). */
  readonly step: number;
  /** Names of the loss series, in the order of {@link LossPoint.losses}. */
  readonly lossNames: readonly string[];
}

/** The losses after one step (LAPGAN: after one round, one step of each level). */
export interface LossPoint {
  readonly step: number;
  readonly losses: readonly number[];
}

/** Sent a few times a second while training, and after each single update. */
export interface TrainProgress {
  /** Steps done (LAPGAN: rounds of the finest level). */
  readonly step: number;
  /** Each level's step (one entry for DCGAN). */
  readonly levelSteps: readonly number[];
  readonly stepsPerSecond: number;
  /** Losses since the last progress message. */
  readonly points: readonly LossPoint[];
  /** tf.memory().numTensors of the worker after the last step. */
  readonly numTensors: number;
}

/** One level of the LAPGAN pyramid for a few samples, each grid one image per sample. */
export interface PyramidLevelView {
  readonly level: number;
  readonly height: number;
  readonly width: number;
  /** The coarser level's image, upsampled (pyrUp); absent at the coarsest level. */
  readonly coarse?: RgbaImage;
  /** The generated band-pass residual, centred (0 = mid grey) and multiplied by `residualScale`. */
  readonly residual?: RgbaImage;
  readonly residualScale?: number;
  /** coarse + residual (the coarsest level: its generated image). */
  readonly refined: RgbaImage;
}

/** Images at one step. */
export interface TrainSnapshot {
  readonly step: number;
  /** Fresh noise each time. */
  readonly samples: RgbaImage;
  /** The same noise every time, so changes are the model's. */
  readonly fixedNoise: RgbaImage;
  /** One row of the fixed-noise images, for the history strip. */
  readonly historyRow: RgbaImage;
  /** LAPGAN only: finest level first. */
  readonly pyramid?: readonly PyramidLevelView[];
}

/** What the page hears while a job runs. */
export interface TrainListener {
  /** What the worker is doing before training starts (loading, preparing the data). */
  onStatus(text: string): void;
  onReady(ready: TrainReady): void;
  onProgress(progress: TrainProgress): void;
  onSnapshot(snapshot: TrainSnapshot): void;
}

/** A stopped run: the run folder's files (`latest.gfckpt`, or `level-<k>.gfckpt` for LAPGAN). */
export interface TrainResult {
  readonly model: TrainModel;
  readonly dataset: TrainDataset;
  /** DCGAN: its step; LAPGAN: the sum over levels (as the run library counts). */
  readonly step: number;
  readonly files: Record<string, Uint8Array>;
}

/** The training worker's API, as the page sees it through comlink. */
export interface TrainWorkerApi {
  /** Trains until `stop()`; resolves with the run's files. */
  start(job: TrainJob, listener: TrainListener): Promise<TrainResult>;
  /** Resolves when training has halted, after the last round's progress message. */
  pause(): Promise<void>;
  resume(): void;
  stop(): void;
  /** While paused: one discriminator or generator update (each LAPGAN level one). */
  singleUpdate(update: SingleUpdate): Promise<void>;
  setLearningRates(rates: LearningRates): void;
  setDiscriminatorSteps(steps: number): void;
}
