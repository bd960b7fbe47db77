import type { BackendAdapter } from '@ganforge/core';

/** Why an adapter cannot start here, short enough for `useBackend()`'s one line. */
export interface UnavailableReason {
  /** A few words, e.g. 'not installed' or 'no Vulkan loader (libvulkan.so.1)'. */
  readonly reason: string;
  /**
   * What would make this faster backend available, given only when it would help on this machine,
   * e.g. 'for native CPU speed: npm install @tensorflow/tfjs-node'.
   */
  readonly remedy?: string;
}

/**
 * A {@link BackendAdapter} that can say why it is unavailable, so that `useBackend()` reports why it
 * skipped every faster backend. Adapters without `unavailableReason` are reported as 'not available'.
 */
export interface ExplainedBackendAdapter extends BackendAdapter {
  /** Undefined when `isAvailable()` is true. Never throws. */
  unavailableReason(): Promise<UnavailableReason | undefined>;
}
