import { createLatencyHistogram, type LatencyPercentiles, readPercentiles } from './latency-histogram.ts';
import { bucketLatencies, countInFlight, countLost, type SecondBucket } from './second-bucket.ts';

// The figures of a time window, merged from its per-second buckets. A request belongs to the
// second of its intended send time, so a window [fromMs, toMs) is taken at whole seconds: it holds
// the buckets of the seconds s with floor(fromMs / 1000) <= s < floor(toMs / 1000), i.e. both ends
// are rounded down to the second. A trailing window ending "now" therefore leaves out the current,
// unfinished second. The counts are exact at any moment: sent = ok + lost + inFlight.

export type WindowSummary = {
  /** The window actually covered, at whole seconds (epoch ms). */
  fromMs: number;
  toMs: number;
  sent: number;
  ok: number;
  /** Sent and not answered as expected: wrongStatus + timeout + connectionFailure. */
  lost: number;
  lostBy: { wrongStatus: number; timeout: number; connectionFailure: number };
  /** Sent, not yet ended. */
  inFlight: number;
  /** Requests the generator did not send (its own limits): never part of `lost`. */
  notSent: { inFlightCap: number; late: number };
  /** lost / (ok + lost): the share of ended requests that were lost; 0 when none ended. */
  errorRatio: number;
  /** ok requests per second of the window. */
  throughput: number;
  /** Latency from the intended send time to the end of the answer, over answered requests (ok or
   * wrong status); undefined when none was answered. */
  latency: LatencyPercentiles | undefined;
};

export function secondsOfWindow(fromMs: number, toMs: number): { first: number; end: number } {
  return { first: Math.floor(fromMs / 1000), end: Math.floor(toMs / 1000) };
}

export function summarizeWindow(
  buckets: Iterable<SecondBucket>,
  fromMs: number,
  toMs: number,
): WindowSummary {
  const { first, end } = secondsOfWindow(fromMs, toMs);
  const totals = { sent: 0, ok: 0, wrongStatus: 0, timeout: 0, connectionFailure: 0, inFlight: 0 };
  const notSent = { inFlightCap: 0, late: 0 };
  const merged = createLatencyHistogram();
  for (const bucket of buckets) {
    if (bucket.second < first || bucket.second >= end) continue;
    totals.sent += bucket.sent;
    totals.ok += bucket.ok;
    totals.wrongStatus += bucket.wrongStatus;
    totals.timeout += bucket.timeout;
    totals.connectionFailure += bucket.connectionFailure;
    totals.inFlight += countInFlight(bucket);
    notSent.inFlightCap += bucket.notSentInFlightCap;
    notSent.late += bucket.notSentLate;
    const latencies = bucketLatencies(bucket);
    if (latencies) merged.add(latencies);
  }
  const lost = countLost(totals);
  const seconds = Math.max(0, end - first);
  return {
    fromMs: first * 1000,
    toMs: Math.max(first, end) * 1000,
    sent: totals.sent,
    ok: totals.ok,
    lost,
    lostBy: {
      wrongStatus: totals.wrongStatus,
      timeout: totals.timeout,
      connectionFailure: totals.connectionFailure,
    },
    inFlight: totals.inFlight,
    notSent,
    errorRatio: totals.ok + lost === 0 ? 0 : lost / (totals.ok + lost),
    throughput: seconds === 0 ? 0 : totals.ok / seconds,
    latency: readPercentiles(merged),
  };
}
