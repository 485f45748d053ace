// What the workload faults (rollout restart, scale) share: the workload read at plan time, the pods
// it has now, their blast radius, and what `plan` shows and dry-runs of the one patch each sends.
import { AdapterError } from '../adapters/adapter-error.ts';
import type { RolloutState, WorkloadKind, WorkloadPatch } from '../adapters/kubernetes.ts';

import type { BlastRadius } from '../selection/safety.ts';
import type { DryRunRequest } from './dry-run.ts';
import type { DryRunClient, KubernetesReader, PlanBase, PlanRow } from './fault-driver.ts';

export type WorkloadRef = { namespace: string; kind: WorkloadKind; name: string };

export type WorkloadPlan<K extends 'rolloutRestart' | 'scale'> = PlanBase<K> & {
  workload: WorkloadRef;
  /** What it looks like now. */
  state: RolloutState;
  /** Its pods now (namespace/name). */
  pods: string[];
};

export async function selectWorkload(
  fault: string,
  ref: WorkloadRef,
  kubernetes: KubernetesReader,
): Promise<Pick<WorkloadPlan<'scale'>, 'fault' | 'workload' | 'state' | 'pods' | 'excluded' | 'notes'>> {
  const state = await kubernetes.readRollout(ref.namespace, ref.kind, ref.name);
  if (!state)
    throw new AdapterError(
      'kubernetes',
      'not-found',
      `fault "${fault}": ${ref.kind} ${ref.namespace}/${ref.name} does not exist`,
    );
  const pods = state.selector ? await kubernetes.listPods(ref.namespace, state.selector) : [];
  return {
    fault,
    workload: { namespace: ref.namespace, kind: ref.kind, name: ref.name },
    state,
    pods: pods.filter((pod) => !pod.isTerminating).map((pod) => `${pod.namespace}/${pod.name}`),
    excluded: [],
    notes: [],
  };
}

export const describeWorkload = (ref: WorkloadRef) => `${ref.kind} ${ref.namespace}/${ref.name}`;

export function workloadBlastRadius(
  plan: WorkloadPlan<'rolloutRestart' | 'scale'>,
  pods: string[],
  podVerb: BlastRadius['podVerb'],
): BlastRadius {
  return {
    fault: plan.fault,
    pods: pods.map((pod) => {
      const [namespace = '', name = ''] = pod.split('/');
      return { namespace, name };
    }),
    podVerb,
    namespaces: [plan.workload.namespace],
    nodes: [],
    workloads: [{ namespace: plan.workload.namespace, kind: plan.workload.kind, name: plan.workload.name }],
    proxies: [],
  };
}

type AnyWorkloadPlan = WorkloadPlan<'rolloutRestart' | 'scale'>;

export const workloadPlanRows = (plan: AnyWorkloadPlan, effect: string): PlanRow[] => [
  {
    namespace: plan.workload.namespace,
    target: `${plan.workload.kind.toLowerCase()}/${plan.workload.name}`,
    effect,
    check: { action: 'patch', name: plan.workload.name, namespace: plan.workload.namespace },
  },
];

export const workloadPatchDryRun = (
  plan: AnyWorkloadPlan,
  kubernetes: DryRunClient,
  patch: () => WorkloadPatch,
): DryRunRequest[] => [
  {
    fault: plan.fault,
    action: 'patch',
    namespace: plan.workload.namespace,
    name: plan.workload.name,
    send: async () =>
      void (await kubernetes.patchWorkload(
        plan.workload.namespace,
        plan.workload.kind,
        plan.workload.name,
        patch(),
        { dryRun: true },
      )),
  },
];
