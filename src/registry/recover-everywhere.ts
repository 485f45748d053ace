// Recovery with everything a runner can see: its ledger file, the cluster ledger on the runs'
// Leases (with the Leases as evidence of who is alive), and the marks on the targets. Used at the
// start of every run, by `faultline recover`, by a run's guard and by the daemon's sweep.
import type { LeaseStore } from '../adapters/kubernetes-leases.ts';
import { type RecoverOptions, type RecoverResult, recoverFaults } from '../ledger/recover.ts';
import { clusterEntries, leaseLookup, readRunLeases, removeSpentLeases } from './live-runs.ts';
import type { RunRecord } from './run-lease.ts';

export type RecoverEverywhereOptions = Omit<RecoverOptions, 'lease' | 'external'> & {
  /** The runners' Leases, when a cluster is configured. */
  leases?: LeaseStore;
};

export async function recoverEverywhere(options: RecoverEverywhereOptions): Promise<RecoverResult> {
  const { leases, ...rest } = options;
  const now = options.context.clock.now();
  // The runs' Leases, read once: the cluster ledger, the evidence of who is alive, the spent ones.
  let records: RunRecord[] | undefined;
  const scanErrors: string[] = [];
  if (leases) {
    try {
      records = await readRunLeases(leases);
    } catch (error) {
      scanErrors.push(`could not read the runs' Leases: ${(error as Error).message}`);
    }
  }
  const result = await recoverFaults({
    ...rest,
    ...(leases && records
      ? {
          lease: leaseLookup(records, options.context.clock.now),
          external: clusterEntries(leases, records, now),
        }
      : {}),
  });
  result.scanErrors.unshift(...scanErrors);
  if (leases && records && !options.dryRun) {
    try {
      await removeSpentLeases(leases, records, now);
      if (options.onlyRuns) await releaseRunsLeases(leases, options.onlyRuns);
    } catch (error) {
      result.scanErrors.push(
        `could not remove the Leases of runs that are gone: ${(error as Error).message}`,
      );
    }
  }
  return result;
}

// A guard's run is gone for sure: once its ledger is empty, its Lease goes at once (not when it expires).
async function releaseRunsLeases(leases: LeaseStore, runs: ReadonlySet<string>) {
  for (const record of await readRunLeases(leases))
    if (runs.has(record.runId) && record.ledger.length === 0) await leases.delete(record.leaseName);
}
