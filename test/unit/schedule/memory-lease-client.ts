// An in-memory Lease with the API server's optimistic concurrency: every write bumps the
// resourceVersion, and a write carrying a stale one fails with a 409 conflict, as does creating
// a Lease that exists. `failing` makes every call fail as unreachable (a partitioned holder).
import { AdapterError } from '../../../src/adapters/adapter-error.ts';
import type { LeaseClient, LeaseRecord, LeaseWrite } from '../../../src/adapters/kubernetes-lease.ts';

export type MemoryLease = {
  record: LeaseRecord | undefined;
  writes: number;
  /** A view of the same Lease for one process; `failing` cuts that process off. */
  clientFor(): LeaseClient & { failing: boolean };
};

export function createMemoryLease(): MemoryLease {
  const lease: MemoryLease = {
    record: undefined,
    writes: 0,
    clientFor() {
      const client = {
        namespace: 'faultline',
        name: 'gameday',
        failing: false,
        async get() {
          guard();
          return lease.record && structuredClone(lease.record);
        },
        async create(write: LeaseWrite) {
          guard();
          if (lease.record)
            throw new AdapterError('kubernetes', 'conflict', 'already exists', { status: 409 });
          return store(write);
        },
        async replace(write: LeaseWrite, resourceVersion: string) {
          guard();
          if (!lease.record) throw new AdapterError('kubernetes', 'not-found', 'not found', { status: 404 });
          if (lease.record.resourceVersion !== resourceVersion)
            throw new AdapterError('kubernetes', 'conflict', 'the object has been modified', { status: 409 });
          return store(write);
        },
      };
      const guard = () => {
        if (client.failing)
          throw new AdapterError('kubernetes', 'unreachable', 'cannot reach the API server');
      };
      return client;
    },
  };
  const store = (write: LeaseWrite): LeaseRecord => {
    lease.writes++;
    lease.record = { ...structuredClone(write), resourceVersion: String(1000 + lease.writes) };
    return structuredClone(lease.record);
  };
  return lease;
}
