import type { PodTarget } from '../selection/select-targets.ts';

const ownerKey = (pod: PodTarget) =>
  pod.owner ? `${pod.namespace}/${pod.owner.kind}/${pod.owner.name}` : `${pod.namespace}//${pod.name}`;

// The workloads whose pods a fault touches (each once): part of its blast radius.
export function ownersOf(pods: readonly PodTarget[]): { namespace: string; kind: string; name: string }[] {
  const owners = new Map<string, { namespace: string; kind: string; name: string }>();
  for (const pod of pods) {
    if (!pod.owner) continue;
    owners.set(ownerKey(pod), { namespace: pod.namespace, kind: pod.owner.kind, name: pod.owner.name });
  }
  return [...owners.values()];
}

// The pods grouped by owner, in the order each owner's first pod comes; a pod without an owner is
// a group of its own. Pods of one owner share their namespace (its RBAC) and their template's
// labels (what admission policies match), so the API server answers one's deletion as the others'.
export function groupByOwner(pods: readonly PodTarget[]): [PodTarget, ...PodTarget[]][] {
  const groups = new Map<string, [PodTarget, ...PodTarget[]]>();
  for (const pod of pods) {
    const group = groups.get(ownerKey(pod));
    if (group) group.push(pod);
    else groups.set(ownerKey(pod), [pod]);
  }
  return [...groups.values()];
}
