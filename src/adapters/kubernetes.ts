// The Kubernetes adapter: with the kubernetes-*.ts files beside it, the only code that talks to
// Kubernetes (through @kubernetes/client-node, and undici's request() on the client's connections
// where the answer is read as bytes: kubernetes-raw-request.ts). Everything above it sees plain
// Faultline types, never the client's models, and AdapterError for every failure.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  AppsV1Api,
  AutoscalingV2Api,
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
} from '@kubernetes/client-node';
import { AdapterError } from './adapter-error.ts';
import { abortWithCall } from './kubernetes-deadline.ts';
import { blockingBudgetOf, type CallOptions, callApi, serverMessageOf } from './kubernetes-errors.ts';
import { createMetadataLister } from './kubernetes-metadata-list.ts';
import { toNode, toPlainObject, toPod, toPodDisruptionBudget } from './kubernetes-models.ts';
import { controllerRefOf, createOwnerResolver } from './kubernetes-owners.ts';
import { createRawRequester, protobuf } from './kubernetes-raw-request.ts';
import { createRolloutCalls } from './kubernetes-rollouts.ts';
import type { DryRun, KubernetesAdapter, ObjectRef } from './kubernetes-types.ts';
import { workloadReaders } from './kubernetes-workloads.ts';
import { listAllPages } from './list-pages.ts';
import { reuseConnections } from './reuse-connections.ts';

export * from './kubernetes-types.ts';

const service = 'kubernetes';
const pageSize = 500;
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
  /** Objects per page of a metadata-only list (default 2 000); tests make it small to see paging. */
  metadataPageSize?: number;
};

export function createKubernetesAdapter(options: KubernetesConnection = {}): KubernetesAdapter {
  const kubeConfig = loadKubeConfig(options);
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  const userAgent = options.userAgent ?? defaultUserAgent;
  const configure = (...headers: [string, string][]): Configuration =>
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      middleware: [['User-Agent', userAgent] as [string, string], ...headers].map(([k, v]) =>
        setHeaderMiddleware(k, v),
      ),
      promiseMiddleware: [abortWithCall],
    });
  const configuration = configure();
  const core = new CoreV1Api(configuration);
  const apps = new AppsV1Api(configuration);
  const policy = new PolicyV1Api(configuration);
  const objects = new KubernetesObjectApi(configuration);
  const mergePatchCore = new CoreV1Api(configure(['Content-Type', PatchStrategy.MergePatch]));
  const mergePatchApps = new AppsV1Api(configure(['Content-Type', PatchStrategy.MergePatch]));
  const autoscaling = new AutoscalingV2Api(configuration);
  const call = <T>(what: string, work: () => Promise<T>, callOptions?: CallOptions) =>
    callApi(server, what, work, callOptions);
  const raw = createRawRequester(configuration, userAgent);
  const metadata = createMetadataLister(raw, options.metadataPageSize);
  const dryRunValue = (options?: DryRun) => (options?.dryRun ? 'All' : undefined);

  const resolveOwner = createOwnerResolver({
    readReplicaSetOwner: async (namespace, name) => {
      const read = () => apps.readNamespacedReplicaSet({ namespace, name });
      const replicaSet = await call(`read ReplicaSet ${namespace}/${name}`, read);
      return controllerRefOf(replicaSet.metadata?.ownerReferences);
    },
    listReplicaSetOwners: (namespace) =>
      call(`list ReplicaSets in namespace ${namespace}`, () => metadata.replicaSetOwners(namespace)),
  });

  return {
    cluster: { server, context: kubeConfig.getCurrentContext() },
    ...createRolloutCalls({ apps, mergePatchApps, autoscaling, call }),
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
    async listPodMetadata(namespace, labelSelector, fieldSelector) {
      const where = namespace ? `in namespace ${namespace}` : 'in all namespaces';
      return call(`list pods ${where}`, () => metadata.pods(namespace, { labelSelector, fieldSelector }));
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
    async getObject(ref, callOptions) {
      const apiVersion = apiVersionOf(ref);
      const spec = { apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
      const read = () => objects.read<KubernetesObject>(spec);
      return toPlainObject(await call(`read ${describeRef(ref)}`, read, callOptions));
    },
    async listObjects(query, callOptions) {
      const apiVersion = apiVersionOf(query);
      const list = () =>
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
        );
      return call(`list ${query.kind}`, list, callOptions);
    },
    // Every option goes in the DeleteOptions body: when a DELETE has a body, the API server reads
    // its options from the body alone and ignores the query's (checked against this sandbox's
    // kube-apiserver: `?gracePeriodSeconds=0` beside a body holding only the uid precondition
    // deleted with the pod's own 30 s). `dryRun=All` is in the query as well, where the server
    // does not read it but its audit log shows it: an SRE reading the log sees the dry run. The
    // answer, the deleted pod, is asked for in protobuf and not read.
    async deletePod(namespace, name, options) {
      const dryRun = dryRunValue(options);
      const body = {
        ...(options?.gracePeriodSeconds === undefined
          ? {}
          : { gracePeriodSeconds: options.gracePeriodSeconds }),
        ...(dryRun ? { dryRun: [dryRun] } : {}),
        ...(options?.uid ? { preconditions: { uid: options.uid } } : {}),
      };
      await call(`delete pod ${namespace}/${name}`, () =>
        raw({
          method: 'DELETE',
          path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
          query: { dryRun },
          body,
          accept: protobuf,
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
    resolveOwner,
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

function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
