import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import type { Clock } from '../clock.ts';
import type { Sample } from '../hypothesis/sample.ts';
import type { LoadStream } from '../load/start-load.ts';

// What a probe may use to take a sample: the clock, the outside world through adapters, and the
// run's load streams (what a `load` probe judges).
export type ProbeContext = {
  clock: Clock;
  kubernetes: () => KubernetesAdapter;
  signal?: AbortSignal;
  /** The run's load streams by name; absent when the run has none. */
  loadStream?: (name: string) => LoadStream | undefined;
};

export type ProbeResult = Omit<Sample, 'probe' | 'at' | 'durationMs' | 'attempts'>;
