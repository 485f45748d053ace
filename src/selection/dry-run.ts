// Asks the API server to check, without persisting anything (dryRun=All), every deletion, eviction
// and cordon a plan would make, so RBAC and PodDisruptionBudget problems show before the run.
import { AdapterError } from '../adapters/adapter-error.ts';
import { cordonAnnotation, type EvictionResult, type KubernetesAdapter } from '../adapters/kubernetes.ts';
import { mapWithLimit } from '../concurrency/map-with-limit.ts';
import type { FaultPlan } from './select-targets.ts';

export type DryRunAction = 'delete' | 'evict' | 'cordon';

export type DryRunCheck = {
  fault: string;
  action: DryRunAction;
  namespace?: string;
  name: string;
  /** gone: the object went away between the listing and the check (a controller replaced it). */
  outcome: 'ok' | 'forbidden' | 'blocked' | 'gone' | 'failed';
  message?: string;
  podDisruptionBudget?: string;
};

type DryRunClient = Pick<KubernetesAdapter, 'deletePod' | 'evictPod' | 'patchNode'>;

const concurrency = 16;

type Request = Omit<DryRunCheck, 'outcome' | 'message' | 'podDisruptionBudget'> & {
  send: () => Promise<EvictionResult | undefined>;
};

function requestsOf(plan: FaultPlan, kubernetes: DryRunClient): Request[] {
  const fault = plan.fault;
  switch (plan.kind) {
    case 'podKill': {
      const gracePeriodSeconds = plan.gracePeriodSeconds;
      return plan.pods.map((pod) => ({
        fault,
        action: 'delete' as const,
        namespace: pod.namespace,
        name: pod.name,
        send: async () =>
          void (await kubernetes.deletePod(pod.namespace, pod.name, { gracePeriodSeconds, dryRun: true })),
      }));
    }
    case 'nodeDrain':
    case 'nodeCordon':
      return plan.nodes.flatMap((node) => [
        {
          fault,
          action: 'cordon' as const,
          name: node.name,
          send: async () =>
            void (await kubernetes.patchNode(
              node.name,
              { unschedulable: true, annotations: { [cordonAnnotation]: 'plan' } },
              { dryRun: true },
            )),
        },
        ...node.evictions.map((pod) => ({
          fault,
          action: 'evict' as const,
          namespace: pod.namespace,
          name: pod.name,
          send: () => kubernetes.evictPod(pod.namespace, pod.name, { dryRun: true }),
        })),
      ]);
    case 'toxiproxy':
    case 'partition':
      return [];
  }
}

// An unreachable server ends the plan (it is thrown); every other answer is a result to show.
async function send(request: Request): Promise<DryRunCheck> {
  const { send: _send, ...check } = request;
  try {
    const eviction = await request.send();
    if (eviction?.outcome === 'blocked') {
      const budget = eviction.podDisruptionBudget;
      return {
        ...check,
        outcome: 'blocked',
        message: budget
          ? `blocked by PodDisruptionBudget ${budget} (${eviction.message.replace(/^the disruption budget \S+ /i, '')})`
          : eviction.message,
        ...(budget ? { podDisruptionBudget: budget } : {}),
      };
    }
    return { ...check, outcome: 'ok' };
  } catch (error) {
    if (!(error instanceof AdapterError) || error.failure === 'unreachable' || error.failure === 'timeout')
      throw error;
    if (error.failure === 'forbidden')
      return { ...check, outcome: 'forbidden', message: `RBAC: ${error.message}` };
    if (error.failure === 'not-found') return { ...check, outcome: 'gone', message: 'no longer exists' };
    return { ...check, outcome: 'failed', message: error.message };
  }
}

// Each request is checked on its own: the server does not add up the disruptions of several
// dry-run evictions, so a budget that allows one eviction passes each of two.
export function dryRunPlans(plans: readonly FaultPlan[], kubernetes: DryRunClient): Promise<DryRunCheck[]> {
  const requests = plans.flatMap((plan) => requestsOf(plan, kubernetes));
  return mapWithLimit(requests, concurrency, send);
}
