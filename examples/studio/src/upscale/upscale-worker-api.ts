import type { BrowserBackendName } from '@ganforge/backend-browser';

/** Where a super-resolution model comes from, as the page hands it to the worker. */
export type ModelSource =
  /** A `.gfckpt` checkpoint (the `latest.gfckpt` of a `ganforge train srgan` run). */
  | { readonly kind: 'checkpoint'; readonly fileName: string; readonly bytes: Uint8Array }
  /** A tfjs layers model: `model.json` and its weight files (the `model/` folder of a `ganforge train srresnet|srgan` run). */
  | { readonly kind: 'layers-files'; readonly files: readonly File[] }
  /** A tfjs layers model.json at a URL (its weight files next to it). */
  | { readonly kind: 'layers-url'; readonly url: string };

/** What the worker learned about the model it loaded. */
export interface LoadedModel {
  /** Upscaling factor (2, 4 or 8 for GANForge runs). */
  readonly scale: number;
  /** Tile context in low-resolution pixels (the model's receptive radius). */
  readonly padding: number;
  /** Training steps when the source says (a checkpoint), else undefined. */
  readonly step: number | undefined;
  /** 'srgan' for a checkpoint with a discriminator, 'srresnet' for a bare generator. */
  readonly family: 'srresnet' | 'srgan';
  /** Trainable parameters of the generator. */
  readonly parameters: number;
}

export interface UpscaleRequest {
  readonly photo: Blob;
  /**
   * 'upscale': enlarge the photo. 'original': the photo is a high-resolution original; it is cut to a
   * multiple of the scale, shrunk by the scale with bicubic, enlarged again, and both results are
   * measured against it.
   */
  readonly mode: 'upscale' | 'original';
  /** Tile side in low-resolution pixels: bounds the tensors (and GPU memory) one tile needs. */
  readonly tileSize: number;
  /**
   * One Int32 on a SharedArrayBuffer the page sets to 1 to cancel. Read between tiles: on WASM the
   * worker's event loop does not turn during an upscale, so a posted cancel message would arrive too late.
   */
  readonly cancelFlag?: Int32Array;
}

/** A PNG and its size. */
export interface EncodedImage {
  readonly png: Blob;
  readonly width: number;
  readonly height: number;
}

/** PSNR (dB) and SSIM on Y, as `ganforge eval psnr|ssim` measures (border = scale, 8-bit values). */
export interface ImageQuality {
  readonly psnr: number;
  readonly ssim: number;
}

export interface UpscaleResult {
  /** The image the model enlarged (the photo, or the original shrunk by the scale). */
  readonly input: EncodedImage;
  readonly model: EncodedImage;
  /** MATLAB-style bicubic enlargement of the same input, same size as `model`. */
  readonly bicubic: EncodedImage;
  /** Original mode: the original cut to a multiple of the scale (what both are measured against). */
  readonly original?: EncodedImage;
  readonly quality?: {
    readonly cropBorder: number;
    readonly bicubic: ImageQuality;
    readonly model: ImageQuality;
  };
}

export interface UpscaleProgressReport {
  readonly completed: number;
  readonly total: number;
  readonly fraction: number;
}

/** What the super-resolution worker offers the page (through comlink). */
export interface UpscaleWorkerApi {
  /** Starts tfjs on the backend the page asks for (else the fastest); returns its description. */
  start(options: {
    readonly backend: BrowserBackendName | undefined;
    readonly wasmPaths: Readonly<Record<string, string>>;
  }): Promise<string>;
  /** Loads a model, replacing the previous one; throws a message for people when the source is not an SR model. */
  loadModel(source: ModelSource): Promise<LoadedModel>;
  /** Upscales with the loaded model; progress per tile. Rejects with an AbortError when cancelled. */
  upscale(request: UpscaleRequest, onProgress: (progress: UpscaleProgressReport) => void): Promise<UpscaleResult>;
  /** Cancels the running upscale (also signalled through `cancelFlag`). */
  cancel(): void;
  /** tfjs's tensor count and bytes: the tests check that a cancelled upscale leaves nothing behind. */
  memory(): { readonly numTensors: number; readonly numBytes: number };
}
