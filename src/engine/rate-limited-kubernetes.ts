// `spec.safety.apiRate`: the run's pod deletions and evictions (kills, drains) go through one rate
// gate, whatever fault or round sends them; reads, patches and the revert are not held back.
import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import { createRateGate } from '../concurrency/rate-gate.ts';
import { parseRate } from '../experiment/rate.ts';

export function rateLimitedKubernetes(
  kubernetes: () => KubernetesAdapter,
  apiRate: string | number | undefined,
): () => KubernetesAdapter {
  if (apiRate === undefined) return kubernetes;
  const gate = createRateGate(parseRate(apiRate));
  let limited: KubernetesAdapter | undefined;
  return () => {
    if (limited) return limited;
    const adapter = kubernetes();
    limited = {
      ...adapter,
      deletePod: async (...args) => {
        await gate();
        return adapter.deletePod(...args);
      },
      evictPod: async (...args) => {
        await gate();
        return adapter.evictPod(...args);
      },
    };
    return limited;
  };
}
