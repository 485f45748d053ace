import type { LeaseStore } from '../adapters/kubernetes-leases.ts';
import type { RecoveryScope } from '../faults/fault-driver.ts';
import type { Runtime } from '../runtime.ts';

// Where a run keeps its Lease, reads the halt marker and sees other runs in a cluster: the cluster
// its faults act on, or the daemon's own (Runtime.announceInCluster); none without either.
export function runLeases(scope: RecoveryScope, runtime: Runtime): LeaseStore | undefined {
  return scope.cluster || runtime.announceInCluster ? runtime.leases?.() : undefined;
}
