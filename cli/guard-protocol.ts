// What a run and its guard say to each other, over the one channel between them: a Unix socket pair
// that is the guard's file descriptor 3 (Node's `pipe` stdio). The run writes the guard's orders as
// one JSON line (not argv: a Toxiproxy URL may hold a secret, and argv is public in `ps`); the guard
// answers `ready` once it could revert the run's faults, or `failed <why>`; the run writes `done`
// when it ended normally. The run's end of the pair is closed by the kernel when its process dies,
// however it dies (kill -9 included): the guard reads end-of-file without `done`, and reverts.
import { dirname, join } from 'node:path';
import type { RecoveryScope } from '../src/faults/fault-driver.ts';
import type { ClusterFlags } from './options.ts';

/** The guard's file descriptor for the channel: the first after stdin, stdout and stderr. */
export const guardChannelFd = 3;

export type GuardOrders = ClusterFlags & {
  runId: string;
  /** The run's pid, for the guard's log. */
  runPid: number;
  ledger: string;
  scope: RecoveryScope;
  /** How long each revert is retried (the run's --revert-timeout). */
  revertTimeoutMs: number;
  log: string;
};

export const guardWords = { ready: 'ready', failed: 'failed', done: 'done' } as const;

/** Where a run's guard writes what it did: beside the ledger, one file per run, kept only when it acted. */
export function guardLogFile(ledgerFile: string, runId: string): string {
  return join(dirname(ledgerFile), 'guards', `${runId}.log`);
}

// Splits what arrives on the channel into lines; `onLine` gets each without its newline.
export function lineReader(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      onLine(pending.slice(0, end));
      pending = pending.slice(end + 1);
    }
  };
}
