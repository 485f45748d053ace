import { hostname } from 'node:os';
import type { LedgerOpen } from './fault-ledger.ts';

// Whether the process that opened a ledger entry still runs (only knowable on the same host;
// an entry from another host is treated as alive, so it is never reverted under a live run).
export function isProcessAlive(entry: Pick<LedgerOpen, 'pid' | 'host'>): boolean {
  if (entry.host !== hostname()) return true;
  if (entry.pid === process.pid) return false;
  try {
    process.kill(entry.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
