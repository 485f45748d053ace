import type { Clock } from '../clock.ts';
import type { Log } from './json-log.ts';

// Leader or standby, a daemon looks for runs that are gone every so often and finishes their
// reverts from the cluster ledger: a leader killed in the middle of a partition leaves a run whose
// Lease expires, and the standby re-enables the proxy within that Lease's duration and a sweep.
export async function sweepEvery(
  sweep: () => Promise<void>,
  everyMs: number,
  clock: Clock,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await sweep();
    } catch (error) {
      log('warn', 'could not look for runs that are gone', { error: (error as Error).message });
    }
    await clock.sleep(everyMs, signal);
  }
}
