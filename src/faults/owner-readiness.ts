// How long a killed pod's owner takes to be fully Ready again: polled until the owner wants no more
// Ready pods than it has, counting only pods that are Ready, not terminating and not among those
// just killed. Counting pods, not only the owner's status, matters: right after a kill the status
// still says "3 ready" for a moment, until the controllers have seen the deletion.
import type { KubernetesAdapter, OwnerRef } from '../adapters/kubernetes.ts';
import type { Clock } from '../clock.ts';
import type { ActionEffect } from './fault-driver.ts';

export type OwnerReadiness = Omit<ActionEffect, 'afterMs'> & { readyAt?: number };

// Polls often at first and less as the wait grows: the time to Ready is known to within 5 %.
const minPollMs = 100;
const maxPollMs = 1_000;

export async function waitForOwnerReady(request: {
  kubernetes: Pick<KubernetesAdapter, 'readWorkload' | 'listPods'>;
  clock: Clock;
  namespace: string;
  owner: OwnerRef;
  /** The pods killed: their replacements are what is waited for. */
  killed: ReadonlySet<string>;
  signal: AbortSignal;
  /** Limits how many owners are read at once (a kill of 1 000 pods may hit hundreds). */
  limit?: <R>(work: () => Promise<R>) => Promise<R>;
}): Promise<OwnerReadiness> {
  const { kubernetes, clock, namespace, owner, signal } = request;
  const limit = request.limit ?? ((work) => work());
  const label = `${owner.kind}/${owner.name}`;
  const since = clock.now();
  let seen = '';
  for (;;) {
    try {
      // The owner's status first (one small read); its pods only once the status says Ready.
      const state = await limit(async () => {
        const workload = await kubernetes.readWorkload(namespace, owner);
        if (!workload || workload.selector === undefined) return undefined;
        if (workload.ready < workload.desired) return { workload, ready: workload.ready };
        const pods = await kubernetes.listPods(namespace, workload.selector);
        const ready = pods.filter((p) => p.isReady && !p.isTerminating && !request.killed.has(p.uid)).length;
        return { workload, ready };
      });
      if (!state)
        return {
          outcome: 'not-measured',
          detail: `${label}: not a Deployment, ReplicaSet, StatefulSet or DaemonSet that still exists`,
        };
      const { workload, ready } = state;
      seen = `${Math.min(ready, workload.ready)}/${workload.desired} Ready`;
      if (ready >= workload.desired && workload.ready >= workload.desired)
        return { outcome: 'ready', readyAt: clock.now(), detail: `${label} fully Ready again (${seen})` };
    } catch (error) {
      seen = `last check failed: ${(error as Error).message}`;
    }
    if (signal.aborted)
      return { outcome: 'not-ready', detail: `${label} not fully Ready when the run ended (${seen})` };
    await clock.sleep(Math.min(maxPollMs, Math.max(minPollMs, (clock.now() - since) / 20)), signal);
  }
}
