import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import type { Clock } from '../clock.ts';
import type { Sample } from '../hypothesis/sample.ts';

// What a probe may use to take a sample: the clock, and the outside world through adapters.
export type ProbeContext = {
  clock: Clock;
  kubernetes: () => KubernetesAdapter;
  signal?: AbortSignal;
};

export type ProbeResult = Omit<Sample, 'probe' | 'at' | 'durationMs' | 'attempts'>;
