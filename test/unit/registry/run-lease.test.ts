// A run's Lease as a store holds it: the ledger of a 1 000-pod kill fits its annotations, reads back
// whole, and a burst of closes is a few writes. A store in memory: this is the encoding and the
// queue, not the API server (test/integration/runners-*.test.ts use the real one).
import test from 'ava';
import type { LeaseRecord, LeaseWrite } from '../../../src/adapters/kubernetes-lease.ts';
import type { LeasePatch, LeaseStore } from '../../../src/adapters/kubernetes-leases.ts';
import type { LedgerOpen } from '../../../src/ledger/ledger-lines.ts';
import { createRunLease, toRunRecord } from '../../../src/registry/run-lease.ts';

const annotationLimit = 256 * 1024;

function memoryStore() {
  const leases = new Map<string, LeaseRecord>();
  const patches: LeasePatch[] = [];
  const store: LeaseStore = {
    namespace: 'faultline',
    server: 'https://127.0.0.1:6443',
    list: async () => [...leases.values()],
    get: async (name) => leases.get(name),
    create: async (name, lease: LeaseWrite) => {
      const record = { ...lease, name, resourceVersion: '1' };
      leases.set(name, record);
      return record;
    },
    patch: async (name, patch) => {
      patches.push(patch);
      const lease = leases.get(name);
      if (!lease) throw new Error(`no lease ${name}`);
      const annotations = { ...lease.annotations };
      for (const [key, value] of Object.entries(patch.annotations ?? {}))
        if (value === null) delete annotations[key];
        else annotations[key] = value;
      const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (size > annotationLimit) throw new Error(`annotations: Too long: ${size} bytes`);
      const next = { ...lease, annotations };
      leases.set(name, next);
      return next;
    },
    delete: async (name) => leases.delete(name),
  };
  return { store, leases, patches };
}

const run = {
  runId: '20261130T092800Z-2df1',
  host: 'runner-1',
  pid: 4242,
  experiment: 'bench-kill-1000',
  deadline: Date.parse('2026-11-30T10:00:00Z'),
  targets: Array.from({ length: 1000 }, (_, i) => ({
    kind: 'pod' as const,
    namespace: 'bench',
    name: `spread-${i}`,
  })),
};

const openEntry = (i: number): LedgerOpen => ({
  type: 'open',
  entry: `${run.runId}/bench-kill-1000/${i}`,
  runId: run.runId,
  experiment: run.experiment,
  fault: 'bench-kill-1000',
  undo: {
    kind: 'pod-deleted',
    namespace: 'bench',
    pod: `spread-${String(i).padStart(3, '0')}-7d9f8c6b5-x${i.toString(36)}`,
  },
  pid: run.pid,
  host: run.host,
  at: new Date(1_790_000_000_000 + i).toISOString(),
  deadline: run.deadline,
  registered: true,
});

test('the undo records of a 1 000-pod kill fit the Lease and read back whole', async (t) => {
  const { store, leases } = memoryStore();
  const lease = createRunLease(store, run, () => 1_790_000_000_000);
  await lease.announce();
  const entries = Array.from({ length: 1000 }, (_, i) => openEntry(i));
  t.true(JSON.stringify(entries).length > annotationLimit, 'as plain JSON they would not fit');
  await lease.recordOpen(entries);
  const record = toRunRecord(leases.get(lease.name) as LeaseRecord);
  t.deepEqual(record?.ledger, entries);
  t.deepEqual(record?.targets, run.targets);
});

test('a burst of closes is a few writes, and the last one leaves the ledger empty', async (t) => {
  const { store, leases, patches } = memoryStore();
  const lease = createRunLease(store, run, () => 1_790_000_000_000);
  await lease.announce();
  await lease.recordOpen(Array.from({ length: 1000 }, (_, i) => openEntry(i)));
  patches.length = 0;
  await Promise.all(Array.from({ length: 1000 }, (_, i) => lease.recordClose(openEntry(i).entry)));
  t.true(patches.length <= 2, `${patches.length} writes for 1 000 closes`);
  t.deepEqual(toRunRecord(leases.get(lease.name) as LeaseRecord)?.ledger, []);
});

test('an entry opened while a ledger write is under way is carried by the next write, not lost', async (t) => {
  const { store, leases, patches } = memoryStore();
  const lease = createRunLease(store, run, () => 1_790_000_000_000);
  await lease.announce();
  // The first write is held at the store until released, so the second open comes while it is on the wire.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const patch = store.patch;
  store.patch = async (name, change) => {
    await held;
    return patch(name, change);
  };
  const first = lease.recordOpen([openEntry(0)]);
  await new Promise((resolve) => setImmediate(resolve));
  const second = lease.recordOpen([openEntry(1)]);
  release();
  await first;
  t.deepEqual(
    toRunRecord(leases.get(lease.name) as LeaseRecord)?.ledger.map((entry) => entry.entry),
    [openEntry(0).entry],
    'the first write read the ledger before the second open',
  );
  await second;
  t.is(patches.length, 2, 'the second open has a write of its own');
  t.deepEqual(
    toRunRecord(leases.get(lease.name) as LeaseRecord)?.ledger.map((entry) => entry.entry),
    [openEntry(0).entry, openEntry(1).entry],
  );
});

test('a Lease written by an older Faultline (plain JSON annotations) is still read', (t) => {
  const record = toRunRecord({
    name: 'faultline-run-x',
    labels: { 'faultline.dev/run': 'x' },
    holderIdentity: 'h/1',
    leaseDurationSeconds: 10,
    acquireTime: 0,
    renewTime: 0,
    leaseTransitions: 0,
    resourceVersion: '1',
    annotations: {
      'faultline.dev/ledger': JSON.stringify([openEntry(3)]),
      'faultline.dev/targets': JSON.stringify(run.targets.slice(0, 2)),
    },
  });
  t.deepEqual(record?.ledger, [openEntry(3)]);
  t.deepEqual(record?.targets, run.targets.slice(0, 2));
});
