// The only file that talks to Kubernetes (through @kubernetes/client-node). Everything above it
// sees plain Faultline types, never the client's models, and AdapterError for every failure.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  type Configuration,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  PolicyV1Api,
  ServerConfiguration,
  setHeaderMiddleware,
  type V1Node,
  type V1Pod,
  type V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import { AdapterError, type AdapterFailure, isNetworkFailure, withTimeout } from './adapter-error.ts';
import { formatLabelSelector, workloadReaders } from './kubernetes-workloads.ts';
import { reuseConnections } from './reuse-connections.ts';

export type OwnerRef = { apiVersion?: string; kind: string; name: string };

export type Pod = {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  nodeName: string | undefined;
  phase: string | undefined;
  isTerminating: boolean;
  /** The controlling owner reference as the pod names it (a ReplicaSet, not yet its Deployment). */
  controller: OwnerRef | undefined;
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

export type KubernetesAdapter = {
  /** `namespace` undefined lists every namespace. Selectors are applied by the server; pages of 500. */
  listPods(namespace: string | undefined, labelSelector?: string, fieldSelector?: string): Promise<Pod[]>;
  listNodes(labelSelector?: string, fieldSelector?: string): Promise<Node[]>;
  /** undefined when there is no such node. */
  getNode(name: string): Promise<Node | undefined>;
  getObject(ref: ObjectRef): Promise<KubeObject>;
  listObjects(query: {
    apiVersion?: string;
    kind: string;
    namespace?: string;
    labelSelector?: string;
  }): Promise<KubeObject[]>;
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
  resolveOwner(pod: Pod): Promise<OwnerRef | undefined>;
  /** A Deployment, ReplicaSet, StatefulSet or DaemonSet; undefined when it is gone or another kind. */
  readWorkload(namespace: string, owner: OwnerRef): Promise<Workload | undefined>;
};

const service = 'kubernetes';
const pageSize = 500;
const requestTimeoutMs = 30_000;
const defaultUserAgent = 'faultline';

const defaultApiVersions: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Pod: 'v1',
  Node: 'v1',
  Service: 'v1',
  Namespace: 'v1',
  PodDisruptionBudget: 'policy/v1',
};

// Order: an explicit file, KUBECONFIG, the in-cluster service account, ~/.kube/config.
export function loadKubeConfig(options: { kubeconfig?: string; context?: string }): KubeConfig {
  const config = new KubeConfig();
  const home = join(homedir(), '.kube', 'config');
  const inCluster =
    process.env.KUBERNETES_SERVICE_HOST && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else if (process.env.KUBECONFIG) config.loadFromDefault();
    else if (inCluster) config.loadFromCluster();
    else if (existsSync(home)) config.loadFromFile(home);
    else throw new Error('no kubeconfig: pass --kubeconfig, set KUBECONFIG, or run in a cluster');
  } catch (error) {
    throw new AdapterError(service, 'invalid', `cannot load the configuration: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new AdapterError(
        service,
        'invalid',
        `no context "${options.context}" (known: ${known.join(', ') || 'none'})`,
      );
    }
    config.setCurrentContext(options.context);
  }
  if (!config.getCurrentCluster())
    throw new AdapterError(service, 'invalid', 'the current context names no cluster');
  return reuseConnections(config);
}

export type KubernetesConnection = {
  kubeconfig?: string;
  context?: string;
  /** Names the caller in the API server's audit log, e.g. "faultline (plan)". */
  userAgent?: string;
};

export function createKubernetesAdapter(options: KubernetesConnection = {}): KubernetesAdapter {
  const kubeConfig = loadKubeConfig(options);
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  const configure = (...headers: [string, string][]): Configuration =>
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      middleware: [['User-Agent', options.userAgent ?? defaultUserAgent] as [string, string], ...headers].map(
        ([k, v]) => setHeaderMiddleware(k, v),
      ),
    });
  const configuration = configure();
  const core = new CoreV1Api(configuration);
  const apps = new AppsV1Api(configuration);
  const policy = new PolicyV1Api(configuration);
  const objects = new KubernetesObjectApi(configuration);
  const mergePatchCore = new CoreV1Api(configure(['Content-Type', PatchStrategy.MergePatch]));
  const call = <T>(what: string, work: () => Promise<T>) => callApi(server, what, work);
  const replicaSetOwners = new Map<string, Promise<OwnerRef | undefined>>();
  const dryRunValue = (options?: DryRun) => (options?.dryRun ? 'All' : undefined);

  // Each page is turned into Faultline's small types as it arrives, so the client's heavy models
  // of one page can be collected before the next: 10 000 pods are not all held as V1Pod at once.
  const listAllPages = async <T, R>(
    list: (token: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
    map: (item: T) => R,
  ) => {
    const items: R[] = [];
    let token: string | undefined;
    do {
      const page = await list(token);
      for (const item of page.items) items.push(map(item));
      token = page.metadata?._continue || undefined;
    } while (token);
    return items;
  };

  const ownerOfReplicaSet = (namespace: string, name: string): Promise<OwnerRef | undefined> => {
    const key = `${namespace}/${name}`;
    let owner = replicaSetOwners.get(key);
    if (!owner) {
      owner = call(`read ReplicaSet ${key}`, () => apps.readNamespacedReplicaSet({ namespace, name })).then(
        (replicaSet) => toOwnerRef(controllerOf(replicaSet.metadata?.ownerReferences)),
        (error) => {
          if (error instanceof AdapterError && error.failure === 'not-found') return undefined;
          throw error;
        },
      );
      replicaSetOwners.set(key, owner);
    }
    return owner;
  };

  return {
    async listPods(namespace, labelSelector, fieldSelector) {
      const where = namespace ? `in namespace ${namespace}` : 'in all namespaces';
      return call(`list pods ${where}`, () =>
        listAllPages((token) => {
          const query = { labelSelector, fieldSelector, limit: pageSize, _continue: token };
          return namespace
            ? core.listNamespacedPod({ namespace, ...query })
            : core.listPodForAllNamespaces(query);
        }, toPod),
      );
    },
    async listNodes(labelSelector, fieldSelector) {
      return call('list nodes', () =>
        listAllPages(
          (token) => core.listNode({ labelSelector, fieldSelector, limit: pageSize, _continue: token }),
          toNode,
        ),
      );
    },
    async getNode(name) {
      try {
        return toNode(await call(`read node ${name}`, () => core.readNode({ name })));
      } catch (error) {
        if (error instanceof AdapterError && error.failure === 'not-found') return undefined;
        throw error;
      }
    },
    async getObject(ref) {
      const apiVersion = apiVersionOf(ref);
      const spec = { apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
      const object = await call(`read ${describeRef(ref)}`, () => objects.read<KubernetesObject>(spec));
      return toPlainObject(object);
    },
    async listObjects(query) {
      const apiVersion = apiVersionOf(query);
      return call(`list ${query.kind}`, () =>
        listAllPages(
          (token) =>
            objects.list(
              apiVersion,
              query.kind,
              query.namespace,
              undefined,
              undefined,
              undefined,
              undefined,
              query.labelSelector,
              pageSize,
              token,
            ),
          (item) => toPlainObject({ ...item, apiVersion, kind: query.kind }),
        ),
      );
    },
    async deletePod(namespace, name, options) {
      await call(`delete pod ${namespace}/${name}`, () =>
        core.deleteNamespacedPod({
          namespace,
          name,
          gracePeriodSeconds: options?.gracePeriodSeconds,
          dryRun: dryRunValue(options),
          body: options?.uid ? { preconditions: { uid: options.uid } } : undefined,
        }),
      );
    },
    async evictPod(namespace, name, options) {
      const dryRun = dryRunValue(options);
      const body = {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace },
        deleteOptions: {
          gracePeriodSeconds: options?.gracePeriodSeconds,
          dryRun: dryRun ? [dryRun] : undefined,
          preconditions: options?.uid ? { uid: options.uid } : undefined,
        },
      };
      try {
        await call(`evict pod ${namespace}/${name}`, () =>
          core.createNamespacedPodEviction({ namespace, name, body, dryRun }),
        );
        return { outcome: 'evicted' };
      } catch (error) {
        if (!(error instanceof AdapterError) || error.status !== 429) throw error;
        const blocking = blockingBudgetOf(error.cause);
        const message = blocking?.message ?? serverMessageOf(error.cause) ?? error.message;
        return { outcome: 'blocked', podDisruptionBudget: blocking?.name, message };
      }
    },
    async patchNode(name, patch, options) {
      const body: { spec?: object; metadata?: object } = {};
      if (patch.unschedulable !== undefined) body.spec = { unschedulable: patch.unschedulable ? true : null };
      const metadata = {
        ...(patch.annotations ? { annotations: patch.annotations } : {}),
        ...(options?.resourceVersion ? { resourceVersion: options.resourceVersion } : {}),
      };
      if (Object.keys(metadata).length > 0) body.metadata = metadata;
      const node = await call(`patch node ${name}`, () =>
        mergePatchCore.patchNode({ name, body, dryRun: dryRunValue(options) }),
      );
      return toNode(node);
    },
    async listPodDisruptionBudgets(namespace) {
      return call(`list PodDisruptionBudgets in namespace ${namespace}`, () =>
        listAllPages(
          (token) =>
            policy.listNamespacedPodDisruptionBudget({ namespace, limit: pageSize, _continue: token }),
          toPodDisruptionBudget,
        ),
      );
    },
    async resolveOwner(pod) {
      const owner = pod.controller;
      if (owner?.kind !== 'ReplicaSet') return owner;
      return (await ownerOfReplicaSet(pod.namespace, owner.name)) ?? owner;
    },
    async readWorkload(namespace, owner) {
      const read = workloadReaders[owner.kind];
      if (!read) return undefined;
      const ref = `${owner.kind} ${namespace}/${owner.name}`;
      try {
        return await call(`read ${ref}`, () => read(apps, namespace, owner.name));
      } catch (error) {
        if (error instanceof AdapterError && error.failure === 'not-found') return undefined;
        throw error;
      }
    },
  };
}

async function callApi<T>(server: string, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(service, requestTimeoutMs, work());
  } catch (error) {
    throw toAdapterError(server, what, error);
  }
}

const failureByStatus: Record<number, AdapterFailure> = {
  400: 'invalid',
  401: 'forbidden',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  422: 'invalid',
};

function toAdapterError(server: string, what: string, error: unknown): AdapterError {
  if (error instanceof AdapterError) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    const failure = failureByStatus[status] ?? 'other';
    const message = serverMessageOf(error) ?? `HTTP ${status}`;
    return new AdapterError(service, failure, `${what}: ${message} (HTTP ${status})`, {
      status,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isNetworkFailure(error)) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? message;
    return new AdapterError(
      service,
      'unreachable',
      `${what}: cannot reach the API server at ${server} (${reason})`,
      {
        cause: error,
      },
    );
  }
  return new AdapterError(service, 'other', `${what}: ${message}`, { cause: error });
}

// The client keeps an error's body as the server's text; a Status object carries a message.
function statusBodyOf(
  error: unknown,
): { message?: string; details?: { causes?: { message?: string }[] } } | undefined {
  const body = error instanceof ApiException ? (error.body as unknown) : undefined;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return body ? { message: body } : undefined;
    }
  }
  return typeof body === 'object' && body !== null ? body : undefined;
}

function serverMessageOf(error: unknown): string | undefined {
  return statusBodyOf(error)?.message || undefined;
}

// A 429 says "Cannot evict pod as it would violate the pod's disruption budget." and names the
// budget in a cause: "The disruption budget checkout needs 3 healthy pods and has 3 currently".
function blockingBudgetOf(error: unknown): { name: string; message: string } | undefined {
  const body = statusBodyOf(error);
  const texts = [...(body?.details?.causes ?? []).map((c) => c.message ?? ''), body?.message ?? ''];
  for (const text of texts) {
    const name = /disruption budget ([a-z0-9][-a-z0-9.]*)/i.exec(text)?.[1];
    if (name) return { name, message: text };
  }
  return undefined;
}

function apiVersionOf(ref: { apiVersion?: string; kind: string }): string {
  const apiVersion = ref.apiVersion ?? defaultApiVersions[ref.kind];
  if (!apiVersion) {
    const known = Object.keys(defaultApiVersions).join(', ');
    throw new AdapterError(
      service,
      'invalid',
      `no default apiVersion for kind ${ref.kind}: name one (known kinds: ${known})`,
    );
  }
  return apiVersion;
}

// The client turns known kinds into its model classes (timestamps into Dates); callers read
// fields by path, so they get plain JSON as the server sent it.
function toPlainObject(object: KubernetesObject): KubeObject {
  return JSON.parse(JSON.stringify(object)) as KubeObject;
}

function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function controllerOf(
  references: { kind: string; name: string; apiVersion: string; controller?: boolean }[] | undefined,
) {
  return references?.find((reference) => reference.controller) ?? references?.[0];
}

function toOwnerRef(
  reference: { kind: string; name: string; apiVersion: string } | undefined,
): OwnerRef | undefined {
  return reference && { apiVersion: reference.apiVersion, kind: reference.kind, name: reference.name };
}

function toPod(pod: V1Pod): Pod {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    labels: pod.metadata?.labels ?? {},
    annotations: pod.metadata?.annotations ?? {},
    nodeName: pod.spec?.nodeName,
    phase: pod.status?.phase,
    isTerminating: pod.metadata?.deletionTimestamp != null,
    controller: toOwnerRef(controllerOf(pod.metadata?.ownerReferences)),
    usesEmptyDir: pod.spec?.volumes?.some((volume) => volume.emptyDir !== undefined) ?? false,
    isReady: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
  };
}

function toNode(node: V1Node): Node {
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    annotations: node.metadata?.annotations ?? {},
    isUnschedulable: node.spec?.unschedulable === true,
    resourceVersion: node.metadata?.resourceVersion ?? '',
  };
}

function toPodDisruptionBudget(budget: V1PodDisruptionBudget): PodDisruptionBudget {
  return {
    namespace: budget.metadata?.namespace ?? '',
    name: budget.metadata?.name ?? '',
    selector: formatLabelSelector(budget.spec?.selector),
    disruptionsAllowed: budget.status?.disruptionsAllowed ?? 0,
  };
}
