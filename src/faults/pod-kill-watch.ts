// After a pod kill: how long each killed pod's owner takes to be fully Ready again. Pods of one
// owner share one watch, begun once every pod of that owner in the round has been killed (a kill
// of 1 000 pods takes a while; polling owners meanwhile only slows the deletions down).
import type { KubernetesAdapter, OwnerRef } from '../adapters/kubernetes.ts';
import type { Clock } from '../clock.ts';
import { createLimiter } from '../concurrency/map-with-limit.ts';
import type { PodTarget } from '../selection/select-targets.ts';
import type { ActionEffect } from './fault-driver.ts';
import { type OwnerReadiness, waitForOwnerReady } from './owner-readiness.ts';

const ownersReadAtOnce = 16;

type Watch = { left: number; begin: () => void; result: Promise<OwnerReadiness> };

export function createOwnerWatches(
  pods: readonly PodTarget[],
  kubernetes: Pick<KubernetesAdapter, 'readWorkload' | 'listPods'>,
  clock: Clock,
) {
  const killedAt = new Map<string, number>();
  const limit = createLimiter(ownersReadAtOnce);
  const ownerKey = (pod: PodTarget) => pod.owner && `${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`;
  const watches = new Map<string, Watch>();

  const watch = (pod: PodTarget, owner: OwnerRef, key: string, signal: AbortSignal) => {
    let entry = watches.get(key);
    if (!entry) {
      let begin = () => {};
      const begun = new Promise<void>((resolve) => {
        begin = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      const killed = new Set(pods.filter((p) => ownerKey(p) === key).map((p) => p.uid));
      const result = begun.then(() =>
        waitForOwnerReady({ kubernetes, clock, namespace: pod.namespace, owner, killed, signal, limit }),
      );
      entry = { left: killed.size, begin, result };
      watches.set(key, entry);
    }
    entry.left -= 1;
    if (entry.left <= 0) entry.begin();
    return entry.result;
  };

  return {
    killed(pod: PodTarget) {
      killedAt.set(pod.uid, clock.now());
    },
    async observe(pod: PodTarget, signal: AbortSignal): Promise<ActionEffect> {
      const key = ownerKey(pod);
      if (!pod.owner || !key)
        return {
          outcome: 'not-measured',
          detail: `${pod.namespace}/${pod.name} has no controller: nothing replaces it`,
        };
      const { readyAt, ...effect } = await watch(pod, pod.owner, key, signal);
      const since = killedAt.get(pod.uid);
      const end = readyAt ?? clock.now();
      return { ...effect, ...(since === undefined ? {} : { afterMs: Math.max(0, end - since) }) };
    },
  };
}
