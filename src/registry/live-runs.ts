// Every run another runner can see, from the cluster (the runs' Leases) and the Toxiproxy servers
// (their claims and marks), each judged alive or gone the same way recovery judges it.
import type { LeaseStore } from '../adapters/kubernetes-leases.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import { describeUndo, isUndoKind } from '../faults/undo-handlers.ts';
import type { UndoRecord } from '../faults/undo-record.ts';
import { processStateOf } from '../ledger/process-identity.ts';
import type { ExternalEntry } from '../ledger/recover.ts';
import type { LeaseLookup } from '../ledger/recover-evidence.ts';
import { type Judgement, judgeRun, type LeaseState } from '../ledger/run-liveness.ts';
import { ledgerPatch, type RunRecord, runLabel, toRunRecord } from './run-lease.ts';
import type { Target } from './targets.ts';
import { readToxiproxyRuns } from './toxiproxy-claims.ts';

export type SeenRun = {
  runId: string;
  experiment: string | undefined;
  host: string | undefined;
  pid: number | undefined;
  deadline: number | undefined;
  targets: Target[];
  /** Faults in place, described. */
  faults: string[];
  judgement: Judgement;
  seenIn: ('cluster' | 'toxiproxy')[];
};

const leaseStateOf = (record: RunRecord, now: number): LeaseState =>
  record.renewTime !== undefined && now <= record.renewTime + record.durationSeconds * 1000
    ? 'live'
    : 'expired';

export async function readRunLeases(store: LeaseStore): Promise<RunRecord[]> {
  return (await store.list(runLabel)).flatMap((lease) => toRunRecord(lease) ?? []);
}

export async function seeRuns(options: {
  leases?: LeaseStore;
  toxiproxy: (url: string) => ToxiproxyAdapter;
  toxiproxyUrls: readonly string[];
  now: number;
}): Promise<{ runs: SeenRun[]; errors: string[] }> {
  const runs = new Map<string, SeenRun>();
  const errors: string[] = [];
  if (options.leases) {
    try {
      for (const record of await readRunLeases(options.leases)) {
        const lease = leaseStateOf(record, options.now);
        runs.set(record.runId, {
          runId: record.runId,
          experiment: record.experiment,
          host: record.host,
          pid: record.pid,
          deadline: record.deadline,
          targets: record.targets,
          faults: record.ledger.map((entry) => `${entry.fault}: ${describeAny(entry.undo)}`),
          judgement: judgeRun(
            { lease, deadline: record.deadline, process: processStateOf(record, record.runId) },
            options.now,
          ),
          seenIn: ['cluster'],
        });
      }
    } catch (error) {
      errors.push(`could not list the runs' Leases: ${(error as Error).message}`);
    }
  }
  const fromToxiproxy = await readToxiproxyRuns(options.toxiproxy, options.toxiproxyUrls);
  errors.push(...fromToxiproxy.errors);
  for (const run of fromToxiproxy.runs) {
    const known = runs.get(run.runId);
    // Described as the ledger describes them, so a fault both in the Lease and on the proxy shows once.
    const faults = run.faults.map((f) =>
      describeUndo(
        f.role === 'partition'
          ? { kind: 'proxy-disabled', url: f.url, proxy: f.proxy, marker: f.toxic }
          : { kind: 'toxic', url: f.url, proxy: f.proxy, toxic: f.toxic },
      ),
    );
    if (known) {
      known.seenIn.push('toxiproxy');
      known.targets.push(
        ...run.targets.filter(
          (t) => !known.targets.some((k) => k.kind === 'proxy' && k.url === t.url && k.proxy === t.proxy),
        ),
      );
      known.faults.push(...faults.filter((fault) => !known.faults.some((k) => k.endsWith(`: ${fault}`))));
      continue;
    }
    runs.set(run.runId, {
      runId: run.runId,
      experiment: run.experiment,
      host: undefined,
      pid: undefined,
      deadline: run.deadline,
      targets: run.targets,
      faults,
      judgement: judgeRun({ deadline: run.deadline }, options.now),
      seenIn: ['toxiproxy'],
    });
  }
  return { runs: [...runs.values()], errors };
}

// A Lease written by a newer Faultline may hold an undo kind this one does not know.
const describeAny = (undo: UndoRecord) =>
  isUndoKind(undo.kind) ? describeUndo(undo) : `${undo.kind} (unknown)`;

// For recovery, from the Leases read once: whether a run's Lease is live, expired or absent.
export function leaseLookup(records: readonly RunRecord[], now: () => number): LeaseLookup {
  const byRun = new Map(records.map((record) => [record.runId, record]));
  return async (runId) => {
    const record = byRun.get(runId);
    return record ? leaseStateOf(record, now()) : 'absent';
  };
}

// The cluster ledger's open entries, each closed by rewriting its run's Lease (and the Lease deleted
// once its last entry is closed and its run is gone).
export function clusterEntries(
  store: LeaseStore,
  records: readonly RunRecord[],
  now: number,
): ExternalEntry[] {
  const entries: ExternalEntry[] = [];
  for (const record of records) {
    const open = [...record.ledger];
    const expired = leaseStateOf(record, now) === 'expired';
    // Closes of one Lease one after another (recovery reverts several at once): each write carries
    // the whole list, so a slower earlier one must never land after a later one.
    let writes: Promise<unknown> = Promise.resolve();
    for (const entry of record.ledger) {
      entries.push({
        open: { ...entry, registered: true },
        close: () => {
          const write = writes.then(async () => {
            const index = open.findIndex((e) => e.entry === entry.entry);
            if (index >= 0) open.splice(index, 1);
            if (open.length === 0 && expired) await store.delete(record.leaseName);
            else await store.patch(record.leaseName, ledgerPatch(open));
          });
          writes = write.catch(() => undefined);
          return write;
        },
      });
    }
  }
  return entries;
}

// Expired Leases that had nothing left in their ledger when read: the remains of runs that are gone
// (one emptied by this recovery was deleted by its last close).
export async function removeSpentLeases(
  store: LeaseStore,
  records: readonly RunRecord[],
  now: number,
): Promise<string[]> {
  const spent = records.filter((r) => r.ledger.length === 0 && leaseStateOf(r, now) === 'expired');
  for (const record of spent) await store.delete(record.leaseName);
  return spent.map((record) => record.runId);
}
