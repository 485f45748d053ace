// The client's models as Faultline's plain types: what the adapter hands up, never the models.
import type { KubernetesObject, V1Node, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { controllerRefOf } from './kubernetes-owners.ts';
import type { KubeObject, Node, Pod, PodDisruptionBudget } from './kubernetes-types.ts';
import { formatLabelSelector } from './kubernetes-workloads.ts';

// The client turns known kinds into its model classes (timestamps into Dates); callers read
// fields by path, so they get plain JSON as the server sent it.
export function toPlainObject(object: KubernetesObject): KubeObject {
  return JSON.parse(JSON.stringify(object)) as KubeObject;
}

export function toPod(pod: V1Pod): Pod {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    labels: pod.metadata?.labels ?? {},
    annotations: pod.metadata?.annotations ?? {},
    nodeName: pod.spec?.nodeName,
    phase: pod.status?.phase,
    isTerminating: pod.metadata?.deletionTimestamp != null,
    controller: controllerRefOf(pod.metadata?.ownerReferences),
    usesEmptyDir: pod.spec?.volumes?.some((volume) => volume.emptyDir !== undefined) ?? false,
    isReady: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
  };
}

export function toNode(node: V1Node): Node {
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    annotations: node.metadata?.annotations ?? {},
    isUnschedulable: node.spec?.unschedulable === true,
    resourceVersion: node.metadata?.resourceVersion ?? '',
  };
}

export function toPodDisruptionBudget(budget: V1PodDisruptionBudget): PodDisruptionBudget {
  return {
    namespace: budget.metadata?.namespace ?? '',
    name: budget.metadata?.name ?? '',
    selector: formatLabelSelector(budget.spec?.selector),
    disruptionsAllowed: budget.status?.disruptionsAllowed ?? 0,
  };
}
