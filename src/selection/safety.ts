// The safety rules of an experiment, as pure functions over the planned targets. Every violation
// is reported, not only the first.
import type { SafetySpec } from '../experiment/schema.ts';
import type { FaultPlan } from './select-targets.ts';

export type SafetyRule =
  | 'namespace-not-allowed'
  | 'kube-system'
  | 'max-pods-percent'
  | 'max-pods'
  | 'max-nodes';

export type Violation = { rule: SafetyRule; fault?: string; message: string };

export const protectedNamespace = 'kube-system';

// The namespaces whose pods a fault would delete or evict: a pod kill's own namespace (even when
// nothing matched), and the namespace of every pod a drain would evict.
function namespacesHitBy(plan: FaultPlan): string[] {
  switch (plan.kind) {
    case 'podKill':
      return [plan.namespace];
    case 'nodeDrain':
      return [...new Set(plan.nodes.flatMap((node) => node.evictions.map((pod) => pod.namespace)))].sort();
    case 'nodeCordon':
    case 'toxiproxy':
    case 'partition':
      return [];
  }
}

function checkNamespaces(plan: FaultPlan, allowed: readonly string[] | undefined): Violation[] {
  const violations: Violation[] = [];
  const verb = plan.kind === 'podKill' ? 'kills pods' : 'evicts pods';
  for (const namespace of namespacesHitBy(plan)) {
    if (allowed?.includes(namespace)) continue;
    if (namespace === protectedNamespace) {
      violations.push({
        rule: 'kube-system',
        fault: plan.fault,
        message: `fault "${plan.fault}" ${verb} in namespace ${namespace}, which is denied unless safety.namespaces names it`,
      });
    } else if (allowed) {
      violations.push({
        rule: 'namespace-not-allowed',
        fault: plan.fault,
        message: `fault "${plan.fault}" ${verb} in namespace ${namespace}, which is not in safety.namespaces (${allowed.join(', ') || 'empty'})`,
      });
    }
  }
  return violations;
}

// maxPodsPercent is measured against the Running pods the selector matches in the namespace.
function checkPodsPercent(plan: FaultPlan, maxPercent: number | undefined): Violation[] {
  if (maxPercent === undefined || plan.kind !== 'podKill' || plan.pods.length === 0) return [];
  const percent = plan.running === 0 ? 100 : (plan.pods.length / plan.running) * 100;
  if (percent <= maxPercent) return [];
  const share = `${plan.pods.length} of ${plan.running} Running pods (${Math.round(percent)}%)`;
  return [
    {
      rule: 'max-pods-percent',
      fault: plan.fault,
      message: `fault "${plan.fault}" kills ${share} matching ${plan.selector} in ${plan.namespace}; safety.maxPodsPercent is ${maxPercent}`,
    },
  ];
}

export function countPodsHit(plans: readonly FaultPlan[]): number {
  const pods = new Set<string>();
  for (const plan of plans) {
    if (plan.kind === 'podKill') for (const pod of plan.pods) pods.add(`${pod.namespace}/${pod.name}`);
    if (plan.kind === 'nodeDrain')
      for (const node of plan.nodes)
        for (const pod of node.evictions) pods.add(`${pod.namespace}/${pod.name}`);
  }
  return pods.size;
}

export function countNodesHit(plans: readonly FaultPlan[]): number {
  const nodes = new Set<string>();
  for (const plan of plans) {
    if (plan.kind === 'nodeDrain' || plan.kind === 'nodeCordon')
      for (const node of plan.nodes) nodes.add(node.name);
  }
  return nodes.size;
}

export function checkSafety(plans: readonly FaultPlan[], safety: SafetySpec = {}): Violation[] {
  const violations = plans.flatMap((plan) => [
    ...checkNamespaces(plan, safety.namespaces),
    ...checkPodsPercent(plan, safety.maxPodsPercent),
  ]);
  const pods = countPodsHit(plans);
  if (safety.maxPods !== undefined && pods > safety.maxPods) {
    violations.push({
      rule: 'max-pods',
      message: `the experiment kills or evicts ${pods} pods; safety.maxPods is ${safety.maxPods}`,
    });
  }
  const nodes = countNodesHit(plans);
  if (safety.maxNodes !== undefined && nodes > safety.maxNodes) {
    violations.push({
      rule: 'max-nodes',
      message: `the experiment drains or cordons ${nodes} nodes; safety.maxNodes is ${safety.maxNodes}`,
    });
  }
  return violations;
}
