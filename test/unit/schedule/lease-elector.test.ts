// Leader election on a Lease with optimistic concurrency, against an in-memory Lease and a clock
// the test moves by hand (a 15 s Lease: renew every 5 s, step down 10 s after the last renewal).
import test from 'ava';
import type { Clock } from '../../../src/clock.ts';
import {
  claimsAnnotation,
  createLeaseElector,
  type LeaseElector,
} from '../../../src/schedule/lease-elector.ts';
import { createMemoryLease } from './memory-lease-client.ts';

function setup() {
  const clock: Clock & { at: number } = { at: 0, now: () => clock.at, sleep: async () => undefined };
  const lease = createMemoryLease();
  const changes: string[] = [];
  const elector = (identity: string) => {
    const client = lease.clientFor();
    const candidate = createLeaseElector({
      client,
      identity,
      durationMs: 15_000,
      clock,
      onChange: (leads) => changes.push(`${identity} ${leads ? 'leads' : 'steps down'} at ${clock.at}`),
    });
    return Object.assign(candidate, { client });
  };
  return { clock, lease, changes, elector };
}

const leaders = (...electors: LeaseElector[]) => electors.filter((e) => e.isLeader()).map((e) => e.identity);

test('the first candidate creates the Lease; the second waits', async (t) => {
  const { clock, lease, elector } = setup();
  const a = elector('a');
  const b = elector('b');
  t.true(await a.tick());
  clock.at = 100;
  t.false(await b.tick());
  t.deepEqual(leaders(a, b), ['a']);
  t.is(lease.record?.holderIdentity, 'a');
  t.is(lease.record?.leaseDurationSeconds, 15);
  t.is(lease.record?.leaseTransitions, 0);
});

test('a dead holder is taken over one lease duration after its last renewal, never while it may lead', async (t) => {
  const { clock, lease, changes, elector } = setup();
  const a = elector('a');
  const b = elector('b');
  // a renews at 0, 5 and 10 s, then dies; b polls every 2 s on odd seconds.
  for (let second = 0; second <= 30; second++) {
    clock.at = second * 1000;
    if (second <= 10 && second % 5 === 0) await a.tick();
    if (second % 2 === 1) await b.tick();
    t.true(leaders(a, b).length <= 1, `one leader at most at ${second} s: ${leaders(a, b)}`);
  }
  t.is(lease.record?.holderIdentity, 'b');
  t.is(lease.record?.leaseTransitions, 1);
  // b saw a's last renewal at 11 s, after reading the old version at 9 s: 9 + 15 = 24 -> takes over at 25 s.
  t.deepEqual(changes, ['a leads at 0', 'a steps down at 20000', 'b leads at 25000']);
});

test('a holder that cannot renew steps down 2/3 of a duration after its last renewal', async (t) => {
  const { clock, changes, elector } = setup();
  const a = elector('a');
  await a.tick();
  a.client.failing = true;
  clock.at = 5_000;
  t.true(await a.tick(), 'still within its deadline');
  clock.at = 9_999;
  t.true(a.isLeader());
  clock.at = 10_000;
  t.false(a.isLeader());
  t.deepEqual(changes, ['a leads at 0', 'a steps down at 10000']);
});

test('claims: once per key, only by the leader, and they survive a change of leader', async (t) => {
  const { clock, lease, elector } = setup();
  const a = elector('a');
  const b = elector('b');
  await a.tick();
  await b.tick();
  t.deepEqual(await a.claim('entry:2026-01-01T00:00:05.000Z', 60_000), { granted: true });
  t.deepEqual(await a.claim('entry:2026-01-01T00:00:05.000Z', 60_000), {
    granted: false,
    reason: 'already-claimed',
  });
  t.deepEqual(await b.claim('entry:2026-01-01T00:00:05.000Z', 60_000), {
    granted: false,
    reason: 'not-leader',
  });
  t.truthy(lease.record?.annotations[claimsAnnotation]?.includes('00:00:05'));
  // a dies; b takes over after the lease expires and sees a's claim.
  for (let second = 1; second <= 20; second++) {
    clock.at = second * 1000;
    await b.tick();
  }
  t.true(b.isLeader());
  t.deepEqual(await b.claim('entry:2026-01-01T00:00:05.000Z', 60_000), {
    granted: false,
    reason: 'already-claimed',
  });
  t.deepEqual(await b.claim('entry:2026-01-01T00:00:10.000Z', 60_000), { granted: true });
});

test('claims expire after their time to live and are pruned', async (t) => {
  const { clock, lease, elector } = setup();
  const a = elector('a');
  await a.tick();
  await a.claim('x:1', 1_000);
  clock.at = 2_000;
  await a.claim('x:2', 1_000);
  t.deepEqual(Object.keys(JSON.parse(lease.record?.annotations[claimsAnnotation] ?? '{}')), ['x:2']);
});

test('a holder that finds someone else in the Lease when claiming steps down at once', async (t) => {
  const { lease, elector } = setup();
  const a = elector('a');
  await a.tick();
  if (lease.record) lease.record = { ...lease.record, holderIdentity: 'intruder', resourceVersion: '9999' };
  t.deepEqual(await a.claim('k', 1_000), { granted: false, reason: 'lost-lease' });
  t.false(a.isLeader());
});

test('release hands the Lease over at once', async (t) => {
  const { clock, lease, elector } = setup();
  const a = elector('a');
  const b = elector('b');
  await a.tick();
  await b.tick();
  await a.release();
  t.false(a.isLeader());
  t.is(lease.record?.holderIdentity, undefined);
  clock.at = 500;
  t.true(await b.tick());
  t.is(lease.record?.leaseTransitions, 1);
});

test('two candidates racing for an expired Lease: the stale resourceVersion loses', async (t) => {
  const { clock, lease, elector } = setup();
  await elector('old').tick();
  const b = elector('b');
  const c = elector('c');
  await Promise.all([b.tick(), c.tick()]);
  clock.at = 16_000;
  await Promise.all([b.tick(), c.tick()]);
  t.deepEqual(leaders(b, c), [lease.record?.holderIdentity]);
  t.is(lease.record?.leaseTransitions, 1);
});

test('run() renews every duration/3 while leading and stops when aborted', async (t) => {
  const lease = createMemoryLease();
  let now = 0;
  const sleeps: number[] = [];
  const controller = new AbortController();
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      if (sleeps.length === 4) controller.abort();
    },
  };
  const a = createLeaseElector({ client: lease.clientFor(), identity: 'a', durationMs: 15_000, clock });
  await a.run(controller.signal);
  t.deepEqual(sleeps, [5_000, 5_000, 5_000, 5_000]);
  t.is(lease.writes, 4);
});
