import test from 'ava';
import { latencyPrecision } from '../../../src/load/latency-histogram.ts';
import { createLoadAccount } from '../../../src/load/load-account.ts';
import { parseBuckets, serializeBuckets } from '../../../src/load/serialize-buckets.ts';
import { summarizeWindow } from '../../../src/load/summarize-window.ts';
import { createSeededRandom } from '../../../src/selection/seeded-random.ts';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

// The exact percentile of a sorted list, as HDR defines it: the smallest value with at least p % at or below it.
const exactPercentile = (sorted: number[], percentile: number): number =>
  sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)] as number;

// 10 s at 1 000 req/s with a long tail: 1-5 ms mostly, 1 % between 100 ms and 2 s.
function tenSecondsOfLoad(seed: number) {
  const random = createSeededRandom(seed);
  const account = createLoadAccount();
  const latencies: number[][] = [];
  for (let second = 0; second < 10; second++) {
    latencies.push([]);
    for (let index = 0; index < 1000; index++) {
      const intended = t0 + second * 1000 + index;
      const latency = random() < 0.01 ? 100 + random() * 1900 : 1 + random() * 4;
      account.countSent(intended);
      account.countEnded(intended, 'ok', latency);
      latencies[second]?.push(latency);
    }
    account.closeBefore(Math.floor(t0 / 1000) + second + 1);
  }
  return { account, latencies };
}

test('percentiles of a window merged from per-second buckets are within HDR precision', (t) => {
  const { account, latencies } = tenSecondsOfLoad(7);
  for (const [from, to] of [
    [0, 10],
    [3, 5],
    [9, 10],
  ] as const) {
    const summary = account.summarize(t0 + from * 1000, t0 + to * 1000);
    const sorted = latencies
      .slice(from, to)
      .flat()
      .sort((a, b) => a - b);
    t.is(summary.ok, sorted.length);
    for (const [key, percentile] of [
      ['p50Ms', 50],
      ['p95Ms', 95],
      ['p99Ms', 99],
      ['maxMs', 100],
    ] as const) {
      const exact = exactPercentile(sorted, percentile);
      const measured = summary.latency?.[key] ?? Number.NaN;
      // One microsecond of recording resolution, then the bucket's relative width.
      t.true(
        measured >= exact - 0.001 && measured <= (exact + 0.001) * (1 + latencyPrecision),
        `${key} over [${from}, ${to}): ${measured} vs exact ${exact}`,
      );
    }
  }
});

test('no answer, no latency: a window of timeouts has none rather than 0', (t) => {
  const account = createLoadAccount();
  account.countSent(t0);
  account.countEnded(t0, 'timeout', 2000);
  t.is(account.summarize(t0, t0 + 1000).latency, undefined);
  t.is(account.summarize(t0, t0 + 1000).errorRatio, 1);
});

test('the serialised buckets summarise to the same figures as the live ones', (t) => {
  const { account } = tenSecondsOfLoad(11);
  account.countSent(t0 + 10_500); // one request still in flight, in an open second
  const json = JSON.parse(JSON.stringify(serializeBuckets(account.buckets())));
  const parsed = parseBuckets(json);
  for (const [from, to] of [
    [0, 11],
    [2, 7],
    [10, 11],
  ] as const) {
    t.deepEqual(
      summarizeWindow(parsed, t0 + from * 1000, t0 + to * 1000),
      account.summarize(t0 + from * 1000, t0 + to * 1000),
    );
  }
  t.like(json[10], { second: Math.floor(t0 / 1000) + 10, sent: 1, inFlight: 1 });
  t.is(typeof json[0].p99Ms, 'number', 'per-second percentiles are there for charts');
});

test('a second of 1 000 requests takes well under a kilobyte of journal', (t) => {
  const { account } = tenSecondsOfLoad(3);
  const bytes = JSON.stringify(serializeBuckets(account.buckets())).length;
  t.true(bytes / 10 < 1024, `${bytes / 10} bytes per second`);
  t.log(`${Math.round(bytes / 10)} bytes per second of 1 000 requests`);
});

test('malformed buckets are refused, naming the entry', (t) => {
  t.throws(() => parseBuckets({}), { message: /expected an array/ });
  t.throws(() => parseBuckets([{ second: 1, sent: 'x' }]), { message: /\[0\]\.sent: expected an integer/ });
  const inconsistent = {
    second: 1,
    sent: 3,
    ok: 1,
    wrongStatus: 0,
    timeout: 0,
    connectionFailure: 0,
    inFlight: 0,
    notSentInFlightCap: 0,
    notSentLate: 0,
  };
  t.throws(() => parseBuckets([inconsistent]), { message: /\[0\]: sent 3 is not ended 1 \+ inFlight 0/ });
});
