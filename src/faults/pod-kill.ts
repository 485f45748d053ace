import { AdapterError } from '../adapters/adapter-error.ts';
import type { OwnerRef } from '../adapters/kubernetes.ts';
import { createLimiter } from '../concurrency/map-with-limit.ts';
import type { FaultSpec } from '../experiment/schema.ts';
import type { PodKillPlan, PodTarget } from '../selection/select-targets.ts';
import type { ActionEffect, FaultAction, FaultContext } from './fault-context.ts';
import { type OwnerReadiness, waitForOwnerReady } from './owner-readiness.ts';
import { pickTargets } from './pick-targets.ts';

const ownersReadAtOnce = 16;

// podKill, one round: the picked pods deleted with the grace period (0 = at once, forced), each
// only if it is still the pod that was picked (uid precondition). Afterwards each pod's owner is
// watched until it is fully Ready again; pods of one owner share one watch.
export async function preparePodKill(
  fault: FaultSpec,
  context: FaultContext,
  round: number,
): Promise<FaultAction[]> {
  const plan = (await pickTargets(fault, context, round)) as PodKillPlan;
  if (plan.pods.length === 0) {
    if (round === 0) throw new Error(`no pod to kill: ${plan.notes.join('; ') || 'none picked'}`);
    return [];
  }
  const kubernetes = context.kubernetes();
  const gracePeriodSeconds = plan.gracePeriodSeconds;
  const killedAt = new Map<string, number>();
  const limit = createLimiter(ownersReadAtOnce);
  const ownerKey = (pod: PodTarget) => pod.owner && `${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`;
  const podsOf = (key: string) => plan.pods.filter((p) => ownerKey(p) === key);
  const watches = new Map<string, { left: number; begin: () => void; result: Promise<OwnerReadiness> }>();

  // One watch per owner, begun once every pod of that owner in this round has been killed (a
  // kill of 1 000 pods takes a while; polling owners meanwhile only slows the deletions down).
  const watch = (pod: PodTarget, owner: OwnerRef, key: string, signal: AbortSignal) => {
    let entry = watches.get(key);
    if (!entry) {
      let begin = () => {};
      const begun = new Promise<void>((resolve) => {
        begin = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      const killed = new Set(podsOf(key).map((p) => p.uid));
      const result = begun.then(() =>
        waitForOwnerReady({
          kubernetes,
          clock: context.clock,
          namespace: pod.namespace,
          owner,
          killed,
          signal,
          limit,
        }),
      );
      entry = { left: killed.size, begin, result };
      watches.set(key, entry);
    }
    entry.left -= 1;
    if (entry.left <= 0) entry.begin();
    return entry.result;
  };

  return plan.pods.map((pod): FaultAction => {
    const key = ownerKey(pod);
    return {
      fault: fault.name,
      target: `pod/${pod.namespace}/${pod.name}`,
      undo: { kind: 'pod-deleted', namespace: pod.namespace, pod: pod.name },
      independent: true,
      ...(pod.owner ? { owner: `${pod.owner.kind}/${pod.owner.name}` } : {}),
      async inject() {
        try {
          await kubernetes.deletePod(pod.namespace, pod.name, { gracePeriodSeconds, uid: pod.uid });
        } catch (error) {
          // Gone since it was picked, or replaced by a pod of the same name: nothing left to kill.
          const gone =
            error instanceof AdapterError && (error.failure === 'not-found' || error.failure === 'conflict');
          if (!gone) throw error;
        }
        killedAt.set(pod.uid, context.clock.now());
      },
      async observe(signal): Promise<ActionEffect> {
        if (!pod.owner || !key)
          return {
            outcome: 'not-measured',
            detail: `${pod.namespace}/${pod.name} has no controller: nothing replaces it`,
          };
        const readiness = await watch(pod, pod.owner, key, signal);
        const { readyAt, ...effect } = readiness;
        const since = killedAt.get(pod.uid);
        const end = readyAt ?? context.clock.now();
        return { ...effect, ...(since === undefined ? {} : { afterMs: Math.max(0, end - since) }) };
      },
    };
  });
}
