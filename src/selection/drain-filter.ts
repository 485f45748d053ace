// What a drain does with each pod on the node, by kubectl drain's rules: DaemonSet and mirror pods
// stay (their controller would put them straight back), pods already terminating are left to
// finish, and pods whose eviction loses something for good block the drain unless the experiment
// says so: emptyDir data (deleteEmptyDirData) and pods no controller replaces (force).
import type { Pod } from '../adapters/kubernetes.ts';

export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

export type DrainOptions = { deleteEmptyDirData?: boolean; force?: boolean };

export type DrainDecision =
  | { action: 'evict' }
  | { action: 'skip'; reason: string }
  | { action: 'refuse'; reason: string };

export function decideDrain(pod: Pod, options: DrainOptions): DrainDecision {
  if (Object.hasOwn(pod.annotations, mirrorPodAnnotation)) return { action: 'skip', reason: 'mirror pod' };
  if (pod.controller?.kind === 'DaemonSet') return { action: 'skip', reason: 'DaemonSet pod' };
  if (pod.isTerminating) return { action: 'skip', reason: 'already terminating' };
  if (!pod.controller && !options.force)
    return {
      action: 'refuse',
      reason: 'no controller would replace it (force: true evicts it anyway)',
    };
  if (pod.usesEmptyDir && !options.deleteEmptyDirData)
    return {
      action: 'refuse',
      reason: 'its emptyDir data would be lost (deleteEmptyDirData: true evicts it anyway)',
    };
  return { action: 'evict' };
}

// "cannot drain node-1: 2 pods block it: shop/a (its emptyDir data ...); shop/b (...)"
export function describeRefusals(
  node: string,
  refused: { namespace?: string; name: string; reason: string }[],
) {
  const list = refused.map((pod) => `${pod.namespace ? `${pod.namespace}/` : ''}${pod.name} (${pod.reason})`);
  const count = refused.length === 1 ? '1 pod blocks it' : `${refused.length} pods block it`;
  return `cannot drain node ${node}: ${count}: ${list.join('; ')}`;
}
