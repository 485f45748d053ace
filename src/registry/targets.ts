// What a run targets, in a form every runner can compare: the proxies, pods, nodes and workloads of
// its blast radius. Two live runs that share one have meaningless verdicts; the second is refused.
import type { BlastRadius } from '../selection/safety.ts';

export type Target =
  | { kind: 'proxy'; url: string; proxy: string }
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'node'; name: string }
  | { kind: 'workload'; namespace: string; workload: string; name: string };

export function targetsOf(radii: readonly BlastRadius[]): Target[] {
  const all: Target[] = radii.flatMap((radius) => [
    ...radius.proxies.map((p): Target => ({ kind: 'proxy', url: p.url.replace(/\/+$/, ''), proxy: p.proxy })),
    ...radius.pods.map((p): Target => ({ kind: 'pod', namespace: p.namespace, name: p.name })),
    ...radius.nodes.map((name): Target => ({ kind: 'node', name })),
    ...radius.workloads.map(
      (w): Target => ({ kind: 'workload', namespace: w.namespace, workload: w.kind, name: w.name }),
    ),
  ]);
  const seen = new Set<string>();
  return all.filter((target) => {
    const key = keyOf(target);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function keyOf(target: Target): string {
  switch (target.kind) {
    case 'proxy':
      return `proxy ${target.proxy} at ${target.url}`;
    case 'pod':
      return `pod ${target.namespace}/${target.name}`;
    case 'node':
      return `node ${target.name}`;
    case 'workload':
      return `${target.workload} ${target.namespace}/${target.name}`;
  }
}

export const describeTarget = keyOf;

/** The targets both lists hold, described. */
export function sharedTargets(mine: readonly Target[], theirs: readonly Target[]): string[] {
  const theirKeys = new Set(theirs.map(keyOf));
  return mine.map(keyOf).filter((key) => theirKeys.has(key));
}
