// The plain Faultline types the Kubernetes adapter hands out (never the client library's models).
export type OwnerRef = { apiVersion?: string; kind: string; name: string };

/** What a metadata-only list says of a pod: enough to select it, kill it and name its owner. */
export type PodMetadata = {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  isTerminating: boolean;
  /** The controlling owner reference as the pod names it (a ReplicaSet, not yet its Deployment). */
  controller: OwnerRef | undefined;
};

export type Pod = PodMetadata & {
  annotations: Record<string, string>;
  nodeName: string | undefined;
  phase: string | undefined;
  usesEmptyDir: boolean;
  /** The Ready condition is True. */
  isReady: boolean;
};

export type Node = {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  isUnschedulable: boolean;
  /** For a patch that must fail (409) if the node changed since it was read. */
  resourceVersion: string;
};

/** A controller of pods, reduced to what "fully Ready" needs. */
export type Workload = {
  kind: string;
  name: string;
  /** How many pods it wants Ready (spec.replicas; a DaemonSet's desiredNumberScheduled). */
  desired: number;
  /** How many it reports Ready (status.readyReplicas; a DaemonSet's numberReady). */
  ready: number;
  /** Its pods' selector in label-selector syntax. */
  selector: string | undefined;
};

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** A workload's rollout as `kubectl rollout status` sees it, and its size. */
export type RolloutState = {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  generation: number;
  observedGeneration: number;
  /** spec.replicas (a DaemonSet: the nodes it should run on). */
  desired: number;
  /** Pods of the newest template. */
  updated: number;
  ready: number;
  available: number;
  /** Every pod it has now, old and new (status.replicas). */
  current: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  templateAnnotations: Record<string, string>;
  selector: string | undefined;
  resourceVersion: string;
};

/** A merge patch of a workload: its size, its own annotations (null removes one), its template's. */
export type WorkloadPatch = {
  replicas?: number;
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  templateAnnotations?: Record<string, string>;
};

export type Autoscaler = {
  namespace: string;
  name: string;
  target: { kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
};

export type PodDisruptionBudget = {
  namespace: string;
  name: string;
  /** The selector in label-selector syntax; undefined selects nothing (an empty one selects all). */
  selector: string | undefined;
  disruptionsAllowed: number;
};

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

export type ObjectRef = { apiVersion?: string; kind: string; namespace?: string; name: string };
export type DryRun = { dryRun?: boolean };
export type EvictionResult =
  | { outcome: 'evicted' }
  | { outcome: 'blocked'; podDisruptionBudget: string | undefined; message: string };
export type NodePatch = { unschedulable?: boolean; annotations?: Record<string, string | null> };

/** The annotation a node cordoned by Faultline carries; its value is the run id ("plan" for a dry run). */
export const cordonAnnotation = 'faultline.dev/cordoned-by';

/** Which cluster an adapter talks to: undo records name it, so a revert never acts on another. */
export type ClusterRef = { server: string; context: string };

/** A deadline for the whole call (every page of a list) instead of the default 30 s, and the
 *  caller's signal. */
export type RequestOptions = { timeoutMs?: number; signal?: AbortSignal };

export type KubernetesAdapter = {
  readonly cluster: ClusterRef;
  /** `namespace` undefined lists every namespace. Selectors are applied by the server; pages of 500. */
  listPods(namespace: string | undefined, labelSelector?: string, fieldSelector?: string): Promise<Pod[]>;
  /** The same pods, metadata only (one small protobuf list): for selecting among thousands. */
  listPodMetadata(
    namespace: string | undefined,
    labelSelector?: string,
    fieldSelector?: string,
  ): Promise<PodMetadata[]>;
  listNodes(labelSelector?: string, fieldSelector?: string): Promise<Node[]>;
  /** undefined when there is no such node. */
  getNode(name: string): Promise<Node | undefined>;
  getObject(ref: ObjectRef, options?: RequestOptions): Promise<KubeObject>;
  listObjects(
    query: {
      apiVersion?: string;
      kind: string;
      namespace?: string;
      labelSelector?: string;
    },
    options?: RequestOptions,
  ): Promise<KubeObject[]>;
  /** `uid`: only that pod, not a newer one of the same name (409 otherwise). */
  deletePod(
    namespace: string,
    name: string,
    options?: { gracePeriodSeconds?: number; uid?: string } & DryRun,
  ): Promise<void>;
  /** A 429 (a PodDisruptionBudget) is an answer, not an error. */
  evictPod(
    namespace: string,
    name: string,
    options?: { gracePeriodSeconds?: number; uid?: string } & DryRun,
  ): Promise<EvictionResult>;
  /** `resourceVersion`: fails with a conflict (409) if the node changed since it was read. */
  patchNode(name: string, patch: NodePatch, options?: DryRun & { resourceVersion?: string }): Promise<Node>;
  listPodDisruptionBudgets(namespace: string): Promise<PodDisruptionBudget[]>;
  /** The top controller: a ReplicaSet's Deployment when it has one. ReplicaSets are looked up once each. */
  resolveOwner(pod: PodMetadata): Promise<OwnerRef | undefined>;
  /** A Deployment, ReplicaSet, StatefulSet or DaemonSet; undefined when it is gone or another kind. */
  readWorkload(namespace: string, owner: OwnerRef): Promise<Workload | undefined>;
  /** undefined when there is no such workload. */
  readRollout(namespace: string, kind: WorkloadKind, name: string): Promise<RolloutState | undefined>;
  /** `resourceVersion`: fails with a conflict (409) if the workload changed since it was read. */
  patchWorkload(
    namespace: string,
    kind: WorkloadKind,
    name: string,
    patch: WorkloadPatch,
    options?: DryRun & { resourceVersion?: string },
  ): Promise<RolloutState>;
  listAutoscalers(namespace: string): Promise<Autoscaler[]>;
};
