// The safety rules of an experiment, as pure functions over the planned targets. Every violation
// is reported, not only the first.
import type { SafetySpec } from '../experiment/schema.ts';

export type SafetyRule =
  | 'namespace-not-allowed'
  | 'kube-system'
  | 'max-pods-percent'
  | 'max-pods'
  | 'max-nodes';

export type Violation = { rule: SafetyRule; fault?: string; message: string };

export const protectedNamespace = 'kube-system';

/** What one fault touches (one round of it; `rounds` when it repeats): the input of every safety
 * rule and of the overlap check between runs. Kind-free: each fault driver says what it hits. */
export type BlastRadius = {
  fault: string;
  /** Pods deleted or evicted. */
  pods: { namespace: string; name: string }[];
  /** Pods the fault removes without naming them (a scale down: the controller picks). */
  unnamedPods?: number;
  /** What is done to those pods, for messages. */
  podVerb?: 'kills pods' | 'evicts pods' | 'replaces pods' | 'removes pods';
  /** Namespaces the fault acts in even when nothing matched (a pod kill's own namespace). */
  namespaces: string[];
  nodes: string[];
  workloads: { namespace: string; kind: string; name: string }[];
  proxies: { url: string; proxy: string }[];
  /** A pod kill: how many of the Running pods its selectors match it takes (maxPodsPercent). */
  share?: { taken: number; of: number; selector: string; namespace: string };
  /** A fault that repeats: how many rounds it may run (default 1); each takes as many pods again. */
  rounds?: number;
};

function checkNamespaces(radius: BlastRadius, allowed: readonly string[] | undefined): Violation[] {
  const violations: Violation[] = [];
  const verb = radius.podVerb ?? 'acts';
  for (const namespace of radius.namespaces) {
    if (allowed?.includes(namespace)) continue;
    if (namespace === protectedNamespace) {
      violations.push({
        rule: 'kube-system',
        fault: radius.fault,
        message: `fault "${radius.fault}" ${verb} in namespace ${namespace}, which is denied unless safety.namespaces names it`,
      });
    } else if (allowed) {
      violations.push({
        rule: 'namespace-not-allowed',
        fault: radius.fault,
        message: `fault "${radius.fault}" ${verb} in namespace ${namespace}, which is not in safety.namespaces (${allowed.join(', ') || 'empty'})`,
      });
    }
  }
  return violations;
}

// maxPodsPercent is measured against the Running pods the selector matches in the namespace.
function checkPodsPercent(radius: BlastRadius, maxPercent: number | undefined): Violation[] {
  const share = radius.share;
  if (maxPercent === undefined || !share || share.taken === 0) return [];
  const percent = share.of === 0 ? 100 : (share.taken / share.of) * 100;
  if (percent <= maxPercent) return [];
  const what = `${share.taken} of ${share.of} Running pods (${Math.round(percent)}%)`;
  return [
    {
      rule: 'max-pods-percent',
      fault: radius.fault,
      message: `fault "${radius.fault}" kills ${what} matching ${share.selector} in ${share.namespace}; safety.maxPodsPercent is ${maxPercent}`,
    },
  ];
}

// A pod is counted once however many faults hit it; a repeating fault takes as many pods again in
// every round after the first (its replacements are other pods).
export function countPodsHit(radii: readonly BlastRadius[]): number {
  const pods = new Set<string>();
  let repeats = 0;
  for (const radius of radii) {
    for (const pod of radius.pods) pods.add(`${pod.namespace}/${pod.name}`);
    repeats += Math.max(0, (radius.rounds ?? 1) - 1) * radius.pods.length + (radius.unnamedPods ?? 0);
  }
  return pods.size + repeats;
}

export function countNodesHit(radii: readonly BlastRadius[]): number {
  return new Set(radii.flatMap((radius) => radius.nodes)).size;
}

// The same rules for `plan` (the whole experiment, repeats included) and for `run` (before anything
// is injected, and again on the targets of every round, added to what the run already hit).
export function checkSafety(radii: readonly BlastRadius[], safety: SafetySpec = {}): Violation[] {
  const violations = radii.flatMap((radius) => [
    ...checkNamespaces(radius, safety.namespaces),
    ...checkPodsPercent(radius, safety.maxPodsPercent),
  ]);
  const pods = countPodsHit(radii);
  if (safety.maxPods !== undefined && pods > safety.maxPods) {
    violations.push({
      rule: 'max-pods',
      message: `the experiment kills, evicts or replaces ${pods} pods; safety.maxPods is ${safety.maxPods}`,
    });
  }
  const nodes = countNodesHit(radii);
  if (safety.maxNodes !== undefined && nodes > safety.maxNodes) {
    violations.push({
      rule: 'max-nodes',
      message: `the experiment drains or cordons ${nodes} nodes; safety.maxNodes is ${safety.maxNodes}`,
    });
  }
  return violations;
}
