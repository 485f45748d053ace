import test from 'ava';
import fc from 'fast-check';
import { latencyPrecision } from '../../../src/load/latency-histogram.ts';
import { createLoadAccount } from '../../../src/load/load-account.ts';
import type { RequestOutcome } from '../../../src/load/second-bucket.ts';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

test('a request belongs to the second of its intended send time, whenever it ends', (t) => {
  const account = createLoadAccount();
  account.countSent(t0 + 999);
  account.countSent(t0 + 1000);
  account.countEnded(t0 + 999, 'ok', 1500);
  t.deepEqual(
    account.buckets().map((b) => [b.second * 1000 - t0, b.sent, b.ok]),
    [
      [0, 1, 1],
      [1000, 1, 0],
    ],
  );
  const first = account.summarize(t0, t0 + 1000);
  t.is(first.sent, 1);
  const p99 = first.latency?.p99Ms ?? 0;
  t.true(p99 >= 1500 && p99 <= 1500 * (1 + latencyPrecision), 'its latency too, although it ended later');
  t.is(account.summarize(t0 + 1000, t0 + 2000).inFlight, 1);
});

test('lost is wrong status + timeout + connection failure; generator drops are apart', (t) => {
  const account = createLoadAccount();
  const outcomes: RequestOutcome[] = ['ok', 'ok', 'wrong-status', 'timeout', 'connection-failure'];
  for (const [index, outcome] of outcomes.entries()) {
    account.countSent(t0 + index);
    account.countEnded(t0 + index, outcome, 10 + index);
  }
  account.countNotSent(t0 + 10, 'late');
  account.countNotSent(t0 + 11, 'in-flight-cap');
  account.countNotSent(t0 + 12, 'in-flight-cap');
  const summary = account.summarize(t0, t0 + 1000);
  t.like(summary, {
    sent: 5,
    ok: 2,
    lost: 3,
    lostBy: { wrongStatus: 1, timeout: 1, connectionFailure: 1 },
    inFlight: 0,
    notSent: { late: 1, inFlightCap: 2 },
    errorRatio: 3 / 5,
    throughput: 2,
  });
  // Latencies are those of answered requests: ok (10, 11) and wrong status (12).
  t.is(Math.round(summary.latency?.maxMs ?? 0), 12);
});

test('a window is taken at whole seconds: both ends rounded down', (t) => {
  const account = createLoadAccount();
  for (let ms = 0; ms < 5000; ms += 100) account.countSent(t0 + ms);
  const window = account.summarize(t0 + 1500, t0 + 3500);
  t.is(window.sent, 20, 'seconds 1 and 2');
  t.is(window.fromMs, t0 + 1000);
  t.is(window.toMs, t0 + 3000);
  t.is(account.summarize(t0 + 3200, t0 + 3900).sent, 0, 'inside one second: empty');
  t.is(account.summarize(t0 - 60_000, t0 + 60_000).sent, 50);
  t.deepEqual(
    account.perSecond(t0 + 1500, t0 + 3500).map((second) => [second.fromMs - t0, second.sent]),
    [
      [1000, 10],
      [2000, 10],
    ],
    'the same window, second by second',
  );
});

test('sent = ok + lost + in flight at every moment, in every window (property)', (t) => {
  const event = fc.record({
    offsetMs: fc.integer({ min: 0, max: 4999 }),
    outcome: fc.constantFrom<RequestOutcome | 'pending'>(
      'ok',
      'wrong-status',
      'timeout',
      'connection-failure',
      'pending',
    ),
    latencyMs: fc.double({ min: 0, max: 5000, noNaN: true }),
  });
  fc.assert(
    fc.property(fc.array(event, { maxLength: 200 }), fc.integer({ min: 0, max: 5 }), (events, from) => {
      const account = createLoadAccount();
      for (const e of events) account.countSent(t0 + e.offsetMs);
      let ended = 0;
      for (const e of events) {
        if (e.outcome === 'pending') continue;
        account.countEnded(t0 + e.offsetMs, e.outcome, e.latencyMs);
        ended++;
        const whole = account.summarize(t0, t0 + 5000);
        if (whole.sent !== whole.ok + whole.lost + whole.inFlight) return false;
      }
      const window = account.summarize(t0 + from * 1000, t0 + 5000);
      const expectedSent = events.filter((e) => e.offsetMs >= from * 1000).length;
      return (
        window.sent === expectedSent &&
        window.sent === window.ok + window.lost + window.inFlight &&
        account.inFlight() === events.length - ended
      );
    }),
  );
  t.pass();
});

test('a closed second freezes once nothing of it is in flight, and reads the same', (t) => {
  const account = createLoadAccount();
  const neverClosed = createLoadAccount();
  for (const each of [account, neverClosed]) {
    for (let index = 0; index < 100; index++) each.countSent(t0 + index * 10);
    for (let index = 0; index < 100; index++)
      if (index !== 7) each.countEnded(t0 + index * 10, 'ok', 1 + index);
    each.countSent(t0 + 1000);
  }
  account.closeBefore(Math.floor(t0 / 1000) + 1);
  const [first] = account.buckets();
  t.truthy(first?.live, 'one request of it is still in flight: it stays live');
  for (const each of [account, neverClosed]) each.countEnded(t0 + 70, 'ok', 8);
  t.is(first?.live, undefined, 'frozen when its last request ended');
  t.true((first?.frozen?.length ?? 0) > 0);
  const frozen = account.summarize(t0, t0 + 1000);
  t.deepEqual(frozen, neverClosed.summarize(t0, t0 + 1000));
  t.is(frozen.ok, 100);
  t.truthy(neverClosed.buckets()[0]?.live);
  t.throws(() => account.countSent(t0 + 5), { message: /closed/ }, 'nothing is sent into a closed second');
});

test('an hour of load keeps live histograms only for the seconds still open', (t) => {
  const account = createLoadAccount();
  const firstSecond = Math.floor(t0 / 1000);
  let mostLive = 0;
  for (let second = 0; second < 3600; second++) {
    account.closeBefore(firstSecond + second);
    for (let index = 0; index < 50; index++) {
      const intended = t0 + second * 1000 + index * 20;
      account.countSent(intended);
      account.countEnded(intended, 'ok', 1 + ((second + index) % 400));
    }
    if (second % 60 === 0) mostLive = Math.max(mostLive, account.buckets().filter((b) => b.live).length);
  }
  t.true(mostLive <= 2, `${mostLive} live histograms at most`);
  const frozenChars = account.buckets().reduce((sum, bucket) => sum + (bucket.frozen?.length ?? 0), 0);
  t.true(frozenChars / 3600 < 1024, `${Math.round(frozenChars / 3600)} characters per frozen second`);
  const hour = account.summarize(t0, t0 + 3_600_000);
  t.is(hour.ok, 180_000);
  t.true(Math.abs((hour.latency?.maxMs ?? 0) - 400) <= 4);
});
