// Reading a pod controller's readiness (Deployment, ReplicaSet, StatefulSet, DaemonSet) as a
// Faultline Workload; part of the Kubernetes adapter.
import type { AppsV1Api, V1LabelSelector } from '@kubernetes/client-node';
import type { Workload } from './kubernetes-types.ts';

type WorkloadReader = (apps: AppsV1Api, namespace: string, name: string) => Promise<Workload>;

export const workloadReaders: Record<string, WorkloadReader> = {
  Deployment: async (apps, namespace, name) => {
    const object = await apps.readNamespacedDeployment({ namespace, name });
    return toWorkload('Deployment', name, object.spec?.replicas, object.status?.readyReplicas, object.spec);
  },
  ReplicaSet: async (apps, namespace, name) => {
    const object = await apps.readNamespacedReplicaSet({ namespace, name });
    return toWorkload('ReplicaSet', name, object.spec?.replicas, object.status?.readyReplicas, object.spec);
  },
  StatefulSet: async (apps, namespace, name) => {
    const object = await apps.readNamespacedStatefulSet({ namespace, name });
    return toWorkload('StatefulSet', name, object.spec?.replicas, object.status?.readyReplicas, object.spec);
  },
  DaemonSet: async (apps, namespace, name) => {
    const object = await apps.readNamespacedDaemonSet({ namespace, name });
    const status = object.status;
    return toWorkload('DaemonSet', name, status?.desiredNumberScheduled, status?.numberReady, object.spec);
  },
};

// spec.replicas defaults to 1 and a missing ready count is 0, as the API server omits zeros.
function toWorkload(
  kind: string,
  name: string,
  desired: number | undefined,
  ready: number | undefined,
  spec: { selector?: V1LabelSelector } | undefined,
): Workload {
  return {
    kind,
    name,
    desired: desired ?? 1,
    ready: ready ?? 0,
    selector: formatLabelSelector(spec?.selector),
  };
}

// A LabelSelector object in the text syntax; the operators map one to one.
export function formatLabelSelector(selector: V1LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}
