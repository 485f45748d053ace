import {
  createLatencyHistogram,
  decodeLatencies,
  encodeLatencies,
  type LatencyHistogram,
  recordLatency,
} from './latency-histogram.ts';

// One second of one load stream: every request whose intended send time falls in that second,
// whenever it ends. Counts, plus the latencies of the answered requests (ok or wrong status) in an
// HDR histogram. Once the second can change no more (the scheduler has moved past it and nothing
// of it is in flight) the histogram is frozen to its compressed form, so an hour of buckets holds a
// few hundred bytes per second instead of a live histogram each.

/** How a request that was sent ended. Everything but `ok` is a lost request. */
export type RequestOutcome = 'ok' | 'wrong-status' | 'timeout' | 'connection-failure';

/** Why the generator did not send a request at its intended time: its own limit, never the system's loss. */
export type NotSentReason = 'in-flight-cap' | 'late';

export type BucketCounts = {
  /** Epoch second of the intended send times: [second * 1000, second * 1000 + 1000) ms. */
  second: number;
  sent: number;
  ok: number;
  wrongStatus: number;
  timeout: number;
  connectionFailure: number;
  notSentInFlightCap: number;
  notSentLate: number;
};

export type SecondBucket = BucketCounts & {
  /** Epoch ms when the last of its requests ended (answered or lost); 0 while none has. */
  lastEndedMs: number;
  /** The live histogram until frozen, then undefined. */
  live: LatencyHistogram | undefined;
  /** The compressed histogram once frozen. */
  frozen: string | undefined;
};

export function createBucket(second: number): SecondBucket {
  return {
    second,
    sent: 0,
    ok: 0,
    wrongStatus: 0,
    timeout: 0,
    connectionFailure: 0,
    notSentInFlightCap: 0,
    notSentLate: 0,
    lastEndedMs: 0,
    live: undefined,
    frozen: undefined,
  };
}

export function countLost(
  counts: Pick<BucketCounts, 'wrongStatus' | 'timeout' | 'connectionFailure'>,
): number {
  return counts.wrongStatus + counts.timeout + counts.connectionFailure;
}

export function countInFlight(counts: BucketCounts): number {
  return counts.sent - counts.ok - countLost(counts);
}

export function countOutcome(bucket: SecondBucket, outcome: RequestOutcome, latencyMs: number): void {
  if (bucket.frozen !== undefined) throw new Error(`second ${bucket.second} is frozen: an outcome came late`);
  switch (outcome) {
    case 'ok':
      bucket.ok++;
      break;
    case 'wrong-status':
      bucket.wrongStatus++;
      break;
    case 'timeout':
      bucket.timeout++;
      return;
    case 'connection-failure':
      bucket.connectionFailure++;
      return;
  }
  bucket.live ??= createLatencyHistogram();
  recordLatency(bucket.live, latencyMs);
}

export function countNotSent(bucket: SecondBucket, reason: NotSentReason): void {
  if (reason === 'in-flight-cap') bucket.notSentInFlightCap++;
  else bucket.notSentLate++;
}

/** Freezes the histogram; an empty one is kept as nothing. */
export function freezeBucket(bucket: SecondBucket): void {
  if (bucket.frozen !== undefined) return;
  bucket.frozen = bucket.live ? encodeLatencies(bucket.live) : '';
  bucket.live = undefined;
}

/** The bucket's latencies: the live histogram itself, or a decoded copy, or undefined when empty. */
export function bucketLatencies(bucket: SecondBucket): LatencyHistogram | undefined {
  if (bucket.live) return bucket.live;
  return bucket.frozen ? decodeLatencies(bucket.frozen) : undefined;
}
