// The only file that talks to coordination.k8s.io/v1 Leases (through @kubernetes/client-node):
// read, create, and replace with the resourceVersion read (optimistic concurrency: a stale one
// is a 409, AdapterError 'conflict'). Times are epoch milliseconds above this file.
import {
  CoordinationV1Api,
  createConfiguration,
  ServerConfiguration,
  setHeaderMiddleware,
  type V1Lease,
  V1MicroTime,
} from '@kubernetes/client-node';
import { AdapterError, withTimeout } from './adapter-error.ts';
import { loadKubeConfig } from './kubernetes.ts';
import { toAdapterError } from './kubernetes-errors.ts';

export type LeaseRecord = {
  name?: string;
  labels?: Record<string, string>;
  holderIdentity: string | undefined;
  leaseDurationSeconds: number | undefined;
  /** Epoch ms, as the holder wrote them (its clock, not ours). */
  acquireTime: number | undefined;
  renewTime: number | undefined;
  leaseTransitions: number;
  annotations: Record<string, string>;
  resourceVersion: string;
};

export type LeaseWrite = Omit<LeaseRecord, 'resourceVersion' | 'name'>;

export type LeaseClient = {
  readonly namespace: string;
  readonly name: string;
  /** Undefined when the Lease does not exist. */
  get(): Promise<LeaseRecord | undefined>;
  /** AdapterError 'conflict' when it already exists. */
  create(lease: LeaseWrite): Promise<LeaseRecord>;
  /** AdapterError 'conflict' when `resourceVersion` is no longer the Lease's. */
  replace(lease: LeaseWrite, resourceVersion: string): Promise<LeaseRecord>;
};

const service = 'kubernetes';

export function createLeaseClient(options: {
  namespace: string;
  name: string;
  kubeconfig?: string;
  context?: string;
  userAgent?: string;
  /** Per request (default 10 s): a leader must learn of a hung renewal before its deadline passes. */
  requestTimeoutMs?: number;
}): LeaseClient {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const kubeConfig = loadKubeConfig(options);
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  const api = new CoordinationV1Api(
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      middleware: [setHeaderMiddleware('User-Agent', options.userAgent ?? 'faultline (schedule)')],
    }),
  );
  const { namespace, name } = options;
  const where = `Lease ${namespace}/${name}`;
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(service, requestTimeoutMs, work());
    } catch (error) {
      throw toAdapterError(server, `${what} ${where}`, error);
    }
  };
  return {
    namespace,
    name,
    async get() {
      try {
        return toRecord(await call('read', () => api.readNamespacedLease({ namespace, name })));
      } catch (error) {
        if (error instanceof AdapterError && error.failure === 'not-found') return undefined;
        throw error;
      }
    },
    async create(lease) {
      const body = toBody(name, lease);
      return toRecord(await call('create', () => api.createNamespacedLease({ namespace, body })));
    },
    async replace(lease, resourceVersion) {
      const body = toBody(name, lease, resourceVersion);
      return toRecord(await call('replace', () => api.replaceNamespacedLease({ namespace, name, body })));
    },
  };
}

// The API server reads MicroTime as RFC 3339 with exactly six fractional digits and rejects a
// plain Date's three with a 400; the client's V1MicroTime writes six.
export function toBody(name: string, lease: LeaseWrite, resourceVersion?: string): V1Lease {
  const time = (ms: number | undefined) => (ms === undefined ? undefined : new V1MicroTime(ms));
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, labels: lease.labels, annotations: lease.annotations, resourceVersion },
    spec: {
      holderIdentity: lease.holderIdentity,
      leaseDurationSeconds: lease.leaseDurationSeconds,
      acquireTime: time(lease.acquireTime),
      renewTime: time(lease.renewTime),
      leaseTransitions: lease.leaseTransitions,
    },
  };
}

// The client types MicroTime fields as Date but hands them over as the server's strings.
function parseTime(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function toRecord(lease: V1Lease): LeaseRecord {
  return {
    name: lease.metadata?.name,
    labels: lease.metadata?.labels ?? {},
    holderIdentity: lease.spec?.holderIdentity || undefined,
    leaseDurationSeconds: lease.spec?.leaseDurationSeconds,
    acquireTime: parseTime(lease.spec?.acquireTime),
    renewTime: parseTime(lease.spec?.renewTime),
    leaseTransitions: lease.spec?.leaseTransitions ?? 0,
    annotations: lease.metadata?.annotations ?? {},
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  };
}
