import type { PodTarget } from '../selection/select-targets.ts';

// The workloads whose pods a fault touches (each once): part of its blast radius.
export function ownersOf(pods: readonly PodTarget[]): { namespace: string; kind: string; name: string }[] {
  const owners = new Map<string, { namespace: string; kind: string; name: string }>();
  for (const pod of pods) {
    if (!pod.owner) continue;
    owners.set(`${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`, {
      namespace: pod.namespace,
      kind: pod.owner.kind,
      name: pod.owner.name,
    });
  }
  return [...owners.values()];
}
