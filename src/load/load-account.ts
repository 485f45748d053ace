import {
  countInFlight,
  countNotSent,
  countOutcome,
  createBucket,
  freezeBucket,
  type NotSentReason,
  type RequestOutcome,
  type SecondBucket,
} from './second-bucket.ts';
import { secondsOfWindow, summarizeWindow, type WindowSummary } from './summarize-window.ts';

// The accounting of one load stream: a bucket per second of intended send times. The generator
// reports each request once when it is sent (or not sent) and once when it ends; the account holds
// nothing per request. `closeBefore(s)` says no request will be sent any more with an intended time
// before second s, so buckets before it freeze as soon as nothing of theirs is in flight.

export type LoadAccount = {
  countSent(intendedMs: number): void;
  countEnded(intendedMs: number, outcome: RequestOutcome, latencyMs: number): void;
  countNotSent(intendedMs: number, reason: NotSentReason): void;
  closeBefore(second: number): void;
  /** All buckets, oldest first. */
  buckets(): SecondBucket[];
  /** The bucket of one epoch second, if anything was due in it. */
  bucket(second: number): SecondBucket | undefined;
  summarize(fromMs: number, toMs: number): WindowSummary;
  /** One summary per second of [fromMs, toMs) that has a bucket, oldest first. */
  perSecond(fromMs: number, toMs: number): WindowSummary[];
  /** Requests sent and not yet ended, over all seconds. */
  inFlight(): number;
};

export function createLoadAccount(): LoadAccount {
  const bySecond = new Map<number, SecondBucket>();
  const unfrozen = new Set<SecondBucket>();
  let closedBefore = Number.NEGATIVE_INFINITY;
  let inFlight = 0;
  let current: SecondBucket | undefined;

  const bucketOf = (intendedMs: number): SecondBucket => {
    const second = Math.floor(intendedMs / 1000);
    if (current?.second === second) return current;
    let bucket = bySecond.get(second);
    if (!bucket) {
      bucket = createBucket(second);
      bySecond.set(second, bucket);
      unfrozen.add(bucket);
    }
    current = bucket;
    return bucket;
  };
  const freezeIfSettled = (bucket: SecondBucket): void => {
    if (bucket.second < closedBefore && countInFlight(bucket) === 0) {
      freezeBucket(bucket);
      unfrozen.delete(bucket);
    }
  };

  const openBucketOf = (intendedMs: number): SecondBucket => {
    const bucket = bucketOf(intendedMs);
    if (bucket.second < closedBefore)
      throw new Error(`second ${bucket.second} is closed: nothing is sent in it`);
    return bucket;
  };

  const bucketsIn = (fromMs: number, toMs: number): SecondBucket[] => {
    const { first, end } = secondsOfWindow(fromMs, toMs);
    const inWindow: SecondBucket[] = [];
    if (end - first <= bySecond.size) {
      for (let second = first; second < end; second++) {
        const bucket = bySecond.get(second);
        if (bucket) inWindow.push(bucket);
      }
      return inWindow;
    }
    for (const bucket of bySecond.values())
      if (bucket.second >= first && bucket.second < end) inWindow.push(bucket);
    return inWindow.sort((a, b) => a.second - b.second);
  };

  return {
    countSent(intendedMs) {
      openBucketOf(intendedMs).sent++;
      inFlight++;
    },
    countEnded(intendedMs, outcome, latencyMs) {
      const bucket = bucketOf(intendedMs);
      countOutcome(bucket, outcome, latencyMs);
      bucket.lastEndedMs = Math.max(bucket.lastEndedMs, intendedMs + latencyMs);
      inFlight--;
      freezeIfSettled(bucket);
    },
    countNotSent(intendedMs, reason) {
      countNotSent(openBucketOf(intendedMs), reason);
    },
    closeBefore(second) {
      if (second <= closedBefore) return;
      closedBefore = second;
      for (const bucket of [...unfrozen]) freezeIfSettled(bucket);
    },
    buckets: () => [...bySecond.values()].sort((a, b) => a.second - b.second),
    bucket: (second) => bySecond.get(second),
    summarize: (fromMs, toMs) => summarizeWindow(bucketsIn(fromMs, toMs), fromMs, toMs),
    perSecond: (fromMs, toMs) =>
      bucketsIn(fromMs, toMs).map((bucket) =>
        summarizeWindow([bucket], bucket.second * 1000, bucket.second * 1000 + 1000),
      ),
    inFlight: () => inFlight,
  };
}
