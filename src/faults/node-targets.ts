// What the node faults (drain, cordon) share: the nodes picked, what a drain would evict from each,
// their blast radius, their lines in `plan` and the dry-run of their cordon and evictions.
import { cordonAnnotation } from '../adapters/kubernetes.ts';
import type { NodeCordonFaultSpec } from '../experiment/schema.ts';
import type { DrainOptions } from '../selection/drain-filter.ts';
import type { BlastRadius } from '../selection/safety.ts';
import {
  type Amount,
  amountOf,
  type NodeTarget,
  pickSchedulableNodes,
  planDrain,
} from '../selection/select-targets.ts';
import type { DryRunRequest } from './dry-run.ts';
import type { DryRunClient, PlanBase, PlanRow, SelectContext } from './fault-driver.ts';
import { ownersOf } from './owners.ts';

export type NodePlan = PlanBase<'nodeDrain' | 'nodeCordon'> & {
  selector: string;
  amount: Amount;
  schedulable: number;
  nodes: NodeTarget[];
};

// `drain`: the pods each node's drain would evict (and refuse); undefined for a cordon.
export async function selectNodes(
  name: string,
  spec: NodeCordonFaultSpec,
  context: SelectContext,
  drain: DrainOptions | undefined,
): Promise<Omit<NodePlan, 'kind'>> {
  const kubernetes = context.kubernetes();
  const amount = amountOf(spec);
  const picked = await pickSchedulableNodes(kubernetes, spec.selector, amount, {
    seed: context.seed,
    key: name,
    optIn: context.optIn,
  });
  const nodes = drain
    ? await Promise.all(picked.nodes.map((node) => planDrain(node, drain, kubernetes)))
    : picked.nodes.map((node) => ({ name: node.name, evictions: [], skipped: [] }));
  return {
    fault: name,
    selector: spec.selector,
    amount,
    schedulable: picked.schedulable,
    nodes,
    excluded: picked.excluded,
    notes: picked.notes,
  };
}

export function nodesBlastRadius(plan: NodePlan): BlastRadius {
  const pods = plan.nodes.flatMap((node) => node.evictions);
  return {
    fault: plan.fault,
    pods: pods.map((pod) => ({ namespace: pod.namespace, name: pod.name })),
    podVerb: 'evicts pods',
    namespaces: [...new Set(pods.map((pod) => pod.namespace))].sort(),
    nodes: plan.nodes.map((node) => node.name),
    workloads: ownersOf(pods),
    proxies: [],
  };
}

export function nodePlanRows(plan: NodePlan): PlanRow[] {
  return plan.nodes.flatMap((node) => [
    { target: `node/${node.name}`, check: { action: 'cordon' as const, name: node.name } },
    ...node.evictions.map((pod) => ({
      namespace: pod.namespace,
      target: `pod/${pod.name}`,
      owner: pod.owner && `${pod.owner.kind}/${pod.owner.name}`,
      check: { action: 'evict' as const, name: pod.name, namespace: pod.namespace },
      nested: true,
    })),
  ]);
}

export function nodeDryRuns(plan: NodePlan, kubernetes: DryRunClient): DryRunRequest[] {
  const fault = plan.fault;
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
}
