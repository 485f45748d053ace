// A run's Lease (coordination.k8s.io/v1) in the cluster its faults act on: its announcement to every
// other runner (who, where, which experiment, until when, what it targets) renewed while it runs,
// and its ledger — the undo records of the faults it holds, written before each inject — so a
// standby daemon, a laptop or CI can finish a dead run's reverts.
import type { LeaseRecord, LeaseWrite } from '../adapters/kubernetes-lease.ts';
import type { LeasePatch, LeaseStore } from '../adapters/kubernetes-leases.ts';
import type { LedgerOpen } from '../ledger/ledger-lines.ts';
import { decodeLeaseJson, encodeLeaseJson } from './lease-json.ts';
import type { Target } from './targets.ts';

export const runLabel = 'faultline.dev/run';
export const managedByLabel = 'app.kubernetes.io/managed-by';
const annotation = {
  host: 'faultline.dev/host',
  pid: 'faultline.dev/pid',
  started: 'faultline.dev/pid-started',
  boot: 'faultline.dev/boot',
  experiment: 'faultline.dev/experiment',
  deadline: 'faultline.dev/deadline',
  targets: 'faultline.dev/targets',
  ledger: 'faultline.dev/ledger',
} as const;

/** Renewed every third of this; a Lease not renewed for this long is expired: its run is gone. */
export const runLeaseSeconds = 10;

export const runLeaseName = (runId: string) => `faultline-run-${runId.toLowerCase()}`;

export type RunAnnouncement = {
  runId: string;
  host: string;
  pid: number;
  /** The pid's start time and the boot it ran in (process-identity.ts): a reused pid is not the run. */
  started?: string;
  boot?: string;
  experiment: string;
  deadline: number;
  targets: Target[];
};

/** What another runner reads of a run's Lease. */
export type RunRecord = RunAnnouncement & {
  leaseName: string;
  renewTime: number | undefined;
  durationSeconds: number;
  ledger: LedgerOpen[];
};

export function toRunRecord(lease: LeaseRecord): RunRecord | undefined {
  const runId = lease.labels?.[runLabel];
  const a = lease.annotations;
  if (!runId || !lease.name) return undefined;
  return {
    runId,
    leaseName: lease.name,
    host: a[annotation.host] ?? '?',
    pid: Number(a[annotation.pid] ?? 0),
    ...(a[annotation.started] ? { started: a[annotation.started] } : {}),
    ...(a[annotation.boot] ? { boot: a[annotation.boot] } : {}),
    experiment: a[annotation.experiment] ?? '?',
    deadline: Date.parse(a[annotation.deadline] ?? '') || 0,
    targets: decodeLeaseJson<Target[]>(a[annotation.targets], []),
    ledger: decodeLeaseJson<LedgerOpen[]>(a[annotation.ledger], []),
    renewTime: lease.renewTime,
    durationSeconds: lease.leaseDurationSeconds ?? runLeaseSeconds,
  };
}

export function announcementLease(run: RunAnnouncement, now: number): LeaseWrite {
  return {
    holderIdentity: `${run.host}/${run.pid}`,
    leaseDurationSeconds: runLeaseSeconds,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: 0,
    labels: { [runLabel]: run.runId, [managedByLabel]: 'faultline' },
    annotations: {
      [annotation.host]: run.host,
      [annotation.pid]: String(run.pid),
      ...(run.started ? { [annotation.started]: run.started } : {}),
      ...(run.boot ? { [annotation.boot]: run.boot } : {}),
      [annotation.experiment]: run.experiment,
      [annotation.deadline]: new Date(run.deadline).toISOString(),
      [annotation.targets]: encodeLeaseJson(run.targets),
      [annotation.ledger]: encodeLeaseJson([]),
    },
  };
}

export const ledgerPatch = (open: readonly LedgerOpen[]): LeasePatch => ({
  annotations: { [annotation.ledger]: encodeLeaseJson(open) },
});

// The run's own handle on its Lease. Ledger writes are queued one after another (each writes the
// whole list of open entries), so two faults injecting at once never lose each other's record.
// Changes made while a ledger write waits its turn ride on that write (it reads the list when it
// starts): the 1 000 closes of a big kill's revert are a few writes, not 1 000.
export function createRunLease(store: LeaseStore, run: RunAnnouncement, now: () => number) {
  const name = runLeaseName(run.runId);
  const open = new Map<string, LedgerOpen>();
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  let waiting: Promise<LeaseRecord> | undefined;
  const writeLedger = () => {
    waiting ??= serial(() => {
      waiting = undefined;
      return store.patch(name, ledgerPatch([...open.values()]));
    });
    return waiting;
  };
  return {
    name,
    announce: () => store.create(name, announcementLease(run, now())),
    renew: () => serial(() => store.patch(name, { renewTime: now() })),
    recordOpen(entries: readonly LedgerOpen[]) {
      for (const entry of entries) open.set(entry.entry, entry);
      return writeLedger();
    },
    recordClose(entry: string) {
      open.delete(entry);
      return writeLedger();
    },
    release: () => serial(() => store.delete(name)),
  };
}

export type RunLease = ReturnType<typeof createRunLease>;
