// Reading and changing a workload's rollout and size (Deployment, StatefulSet, DaemonSet) and the
// HorizontalPodAutoscalers that would fight a scale; part of the Kubernetes adapter.
import type {
  AppsV1Api,
  AutoscalingV2Api,
  V1DaemonSet,
  V1Deployment,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { AdapterError } from './adapter-error.ts';
import type { Autoscaler, DryRun, RolloutState, WorkloadKind, WorkloadPatch } from './kubernetes-types.ts';
import { formatLabelSelector } from './kubernetes-workloads.ts';

type Call = <T>(what: string, work: () => Promise<T>) => Promise<T>;
type AnyWorkload = V1Deployment | V1StatefulSet | V1DaemonSet;

export function createRolloutCalls(apis: {
  apps: AppsV1Api;
  /** The same API sending merge patches. */
  mergePatchApps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  call: Call;
}) {
  const { apps, mergePatchApps, autoscaling, call } = apis;
  const read = (kind: WorkloadKind, namespace: string, name: string): Promise<AnyWorkload> => {
    switch (kind) {
      case 'Deployment':
        return apps.readNamespacedDeployment({ namespace, name });
      case 'StatefulSet':
        return apps.readNamespacedStatefulSet({ namespace, name });
      case 'DaemonSet':
        return apps.readNamespacedDaemonSet({ namespace, name });
    }
  };
  const patch = (
    kind: WorkloadKind,
    namespace: string,
    name: string,
    body: object,
    dryRun?: string,
  ): Promise<AnyWorkload> => {
    switch (kind) {
      case 'Deployment':
        return mergePatchApps.patchNamespacedDeployment({ namespace, name, body, dryRun });
      case 'StatefulSet':
        return mergePatchApps.patchNamespacedStatefulSet({ namespace, name, body, dryRun });
      case 'DaemonSet':
        return mergePatchApps.patchNamespacedDaemonSet({ namespace, name, body, dryRun });
    }
  };
  return {
    async readRollout(
      namespace: string,
      kind: WorkloadKind,
      name: string,
    ): Promise<RolloutState | undefined> {
      try {
        return toRollout(
          kind,
          await call(`read ${kind} ${namespace}/${name}`, () => read(kind, namespace, name)),
        );
      } catch (error) {
        if (error instanceof AdapterError && error.failure === 'not-found') return undefined;
        throw error;
      }
    },
    async patchWorkload(
      namespace: string,
      kind: WorkloadKind,
      name: string,
      change: WorkloadPatch,
      options?: DryRun & { resourceVersion?: string },
    ): Promise<RolloutState> {
      const metadata = {
        ...(change.labels ? { labels: change.labels } : {}),
        ...(change.annotations ? { annotations: change.annotations } : {}),
        ...(options?.resourceVersion ? { resourceVersion: options.resourceVersion } : {}),
      };
      const spec = {
        ...(change.replicas === undefined ? {} : { replicas: change.replicas }),
        ...(change.templateAnnotations
          ? { template: { metadata: { annotations: change.templateAnnotations } } }
          : {}),
      };
      const body = {
        ...(Object.keys(metadata).length ? { metadata } : {}),
        ...(Object.keys(spec).length ? { spec } : {}),
      };
      const dryRun = options?.dryRun ? 'All' : undefined;
      return toRollout(
        kind,
        await call(`patch ${kind} ${namespace}/${name}`, () => patch(kind, namespace, name, body, dryRun)),
      );
    },
    async listAutoscalers(namespace: string): Promise<Autoscaler[]> {
      const list = await call(`list HorizontalPodAutoscalers in ${namespace}`, () =>
        autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
      );
      return list.items.map((hpa) => ({
        namespace,
        name: hpa.metadata?.name ?? '',
        target: { kind: hpa.spec?.scaleTargetRef?.kind ?? '', name: hpa.spec?.scaleTargetRef?.name ?? '' },
        minReplicas: hpa.spec?.minReplicas ?? 1,
        maxReplicas: hpa.spec?.maxReplicas ?? 0,
      }));
    },
  };
}

// What `kubectl rollout status` looks at, for the three kinds; a DaemonSet's "replicas" are the
// nodes it should run on.
function toRollout(kind: WorkloadKind, object: AnyWorkload): RolloutState {
  const status = object.status as Record<string, number | undefined> | undefined;
  const spec = object.spec as {
    replicas?: number;
    template?: { metadata?: { annotations?: Record<string, string> } };
  };
  const daemon = kind === 'DaemonSet';
  const desired = daemon ? (status?.desiredNumberScheduled ?? 0) : (spec?.replicas ?? 1);
  return {
    kind,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    generation: object.metadata?.generation ?? 0,
    observedGeneration: status?.observedGeneration ?? 0,
    desired,
    updated: (daemon ? status?.updatedNumberScheduled : status?.updatedReplicas) ?? 0,
    ready: (daemon ? status?.numberReady : status?.readyReplicas) ?? 0,
    available: (daemon ? status?.numberAvailable : status?.availableReplicas) ?? 0,
    current: (daemon ? status?.currentNumberScheduled : status?.replicas) ?? 0,
    labels: object.metadata?.labels ?? {},
    annotations: object.metadata?.annotations ?? {},
    templateAnnotations: spec?.template?.metadata?.annotations ?? {},
    selector: formatLabelSelector(object.spec?.selector),
    resourceVersion: object.metadata?.resourceVersion ?? '',
  };
}
