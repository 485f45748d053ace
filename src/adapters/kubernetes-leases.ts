// Many Leases of one namespace (coordination.k8s.io/v1): the runs' Leases and the halt marker.
// Listed by label, created, changed by merge patch (renewals and annotations never conflict with
// each other), deleted. Times are epoch milliseconds above this file.
import {
  CoordinationV1Api,
  CoreV1Api,
  createConfiguration,
  PatchStrategy,
  ServerConfiguration,
  setHeaderMiddleware,
  V1MicroTime,
} from '@kubernetes/client-node';
import { AdapterError, withTimeout } from './adapter-error.ts';
import { loadKubeConfig } from './kubernetes.ts';
import { toAdapterError } from './kubernetes-errors.ts';
import { type LeaseRecord, type LeaseWrite, toBody, toRecord } from './kubernetes-lease.ts';

export type LeasePatch = {
  renewTime?: number;
  leaseDurationSeconds?: number;
  /** null removes an annotation. */
  annotations?: Record<string, string | null>;
};

export type LeaseStore = {
  readonly namespace: string;
  /** The cluster's API server, as undo records and statuses name it. */
  readonly server: string;
  list(labelSelector: string): Promise<LeaseRecord[]>;
  /** Undefined when there is no such Lease. */
  get(name: string): Promise<LeaseRecord | undefined>;
  /** AdapterError 'conflict' when it already exists. */
  create(name: string, lease: LeaseWrite): Promise<LeaseRecord>;
  patch(name: string, patch: LeasePatch): Promise<LeaseRecord>;
  /** Returns false when it was already gone. */
  delete(name: string): Promise<boolean>;
};

export function createLeaseStore(options: {
  namespace: string;
  kubeconfig?: string;
  context?: string;
  userAgent?: string;
  requestTimeoutMs?: number;
}): LeaseStore {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const kubeConfig = loadKubeConfig(options);
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  const configure = (...headers: [string, string][]) =>
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      middleware: [['User-Agent', options.userAgent ?? 'faultline'] as [string, string], ...headers].map(
        ([k, v]) => setHeaderMiddleware(k, v),
      ),
    });
  const api = new CoordinationV1Api(configure());
  const core = new CoreV1Api(configure());
  const mergePatch = new CoordinationV1Api(configure(['Content-Type', PatchStrategy.MergePatch]));
  const { namespace } = options;
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout('kubernetes', requestTimeoutMs, work());
    } catch (error) {
      throw toAdapterError(server, `${what} in namespace ${namespace}`, error);
    }
  };
  const ensureNamespace = async () => {
    const body = { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'faultline' } } };
    try {
      await call(`create namespace ${namespace} for the runners' Leases`, () =>
        core.createNamespace({ body }),
      );
    } catch (error) {
      if (!(error instanceof AdapterError && error.failure === 'conflict')) throw error;
    }
  };
  const absentAs = async <T>(work: () => Promise<T>, absent: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AdapterError && error.failure === 'not-found') return absent;
      throw error;
    }
  };
  return {
    namespace,
    server,
    async list(labelSelector) {
      const list = await call('list Leases', () => api.listNamespacedLease({ namespace, labelSelector }));
      return list.items.map(toRecord);
    },
    get: (name) =>
      absentAs(
        async () =>
          toRecord(await call(`read Lease ${name}`, () => api.readNamespacedLease({ namespace, name }))),
        undefined,
      ),
    // The runners' namespace is made on first use where the caller may (a laptop's admin); where
    // it may not, the error names the namespace to create.
    async create(name, lease) {
      const body = toBody(name, lease);
      const create = async () =>
        toRecord(await call(`create Lease ${name}`, () => api.createNamespacedLease({ namespace, body })));
      try {
        return await create();
      } catch (error) {
        if (!(error instanceof AdapterError && error.failure === 'not-found')) throw error;
        await ensureNamespace();
        return await create();
      }
    },
    async patch(name, patch) {
      const spec = {
        ...(patch.renewTime === undefined ? {} : { renewTime: new V1MicroTime(patch.renewTime) }),
        ...(patch.leaseDurationSeconds === undefined
          ? {}
          : { leaseDurationSeconds: patch.leaseDurationSeconds }),
      };
      const body = { ...(patch.annotations ? { metadata: { annotations: patch.annotations } } : {}), spec };
      return toRecord(
        await call(`patch Lease ${name}`, () => mergePatch.patchNamespacedLease({ namespace, name, body })),
      );
    },
    delete: (name) =>
      absentAs(async () => {
        await call(`delete Lease ${name}`, () => api.deleteNamespacedLease({ namespace, name }));
        return true;
      }, false),
  };
}
