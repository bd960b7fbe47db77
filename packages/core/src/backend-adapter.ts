/** What a backend adapter reports once its backend is active. */
export interface BackendInfo {
  /** The tfjs backend name: 'tensorflow', 'webgpu', 'webgl', 'wasm' or 'cpu'. */
  readonly name: string;
  /** A human-readable device description ("WASM SIMD, 1 thread", the GPU adapter's name, ...). */
  readonly device: string;
  readonly isGpu: boolean;
  /** Worker threads the backend computes with (1 when single-threaded). */
  readonly threads: number;
}

/** One way of running tfjs (a package plus its set-up), as a platform package offers it. */
export interface BackendAdapter {
  readonly name: string;
  /** Whether this adapter can start here; never throws. */
  isAvailable(): Promise<boolean>;
  /** Loads, registers and activates the backend. Throws `BackendUnavailableError` with the reason. */
  init(): Promise<BackendInfo>;
}
