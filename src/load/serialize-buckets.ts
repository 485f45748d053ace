import { encodeLatencies, readPercentiles } from './latency-histogram.ts';
import {
  type BucketCounts,
  bucketLatencies,
  countInFlight,
  createBucket,
  type SecondBucket,
} from './second-bucket.ts';

// The journal's form of a stream's per-second buckets (never one line per request): the counts,
// the second's percentiles for charts, and its compressed HDR histogram so that any window can be
// summarised again from the journal alone (parseBuckets + summarizeWindow). About 500 bytes per
// second of load: a 1-hour stream is about 2 MB of JSON, whatever its rate.

export type SerializedBucket = BucketCounts & {
  inFlight: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** Compressed base64 HDR histogram of the answered requests' latencies in µs; absent when none. */
  latencies?: string;
};

const countFields = [
  'second',
  'sent',
  'ok',
  'wrongStatus',
  'timeout',
  'connectionFailure',
  'inFlight',
  'notSentInFlightCap',
  'notSentLate',
] as const;

export function serializeBuckets(buckets: readonly SecondBucket[]): SerializedBucket[] {
  return buckets.map((bucket) => {
    const latencies = bucketLatencies(bucket);
    const serialized: SerializedBucket = {
      second: bucket.second,
      sent: bucket.sent,
      ok: bucket.ok,
      wrongStatus: bucket.wrongStatus,
      timeout: bucket.timeout,
      connectionFailure: bucket.connectionFailure,
      inFlight: countInFlight(bucket),
      notSentInFlightCap: bucket.notSentInFlightCap,
      notSentLate: bucket.notSentLate,
    };
    const percentiles = latencies && readPercentiles(latencies);
    if (!latencies || !percentiles) return serialized;
    return {
      ...serialized,
      ...percentiles,
      latencies: bucket.frozen || encodeLatencies(latencies),
    };
  });
}

/** Buckets back from a journal; throws naming the first malformed entry. In-flight requests of a
 * bucket serialised mid-run stay in flight (sent - ended), so the accounting stays exact. */
export function parseBuckets(value: unknown): SecondBucket[] {
  if (!Array.isArray(value)) throw new Error('load buckets: expected an array');
  return value.map((entry: unknown, index) => {
    const record = entry as Record<string, unknown> | null;
    if (typeof record !== 'object' || record === null)
      throw new Error(`load buckets[${index}]: expected an object`);
    for (const field of countFields) {
      if (!Number.isInteger(record[field]))
        throw new Error(`load buckets[${index}].${field}: expected an integer`);
    }
    if (record.latencies !== undefined && typeof record.latencies !== 'string')
      throw new Error(`load buckets[${index}].latencies: expected a string`);
    const serialized = record as SerializedBucket;
    const ended = serialized.ok + serialized.wrongStatus + serialized.timeout + serialized.connectionFailure;
    if (serialized.inFlight !== serialized.sent - ended)
      throw new Error(
        `load buckets[${index}]: sent ${serialized.sent} is not ended ${ended} + inFlight ${serialized.inFlight}`,
      );
    return {
      ...createBucket(serialized.second),
      sent: serialized.sent,
      ok: serialized.ok,
      wrongStatus: serialized.wrongStatus,
      timeout: serialized.timeout,
      connectionFailure: serialized.connectionFailure,
      notSentInFlightCap: serialized.notSentInFlightCap,
      notSentLate: serialized.notSentLate,
      frozen: serialized.latencies ?? '',
    };
  });
}
