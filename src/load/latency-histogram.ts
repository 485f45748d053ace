import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';

// Latencies in HDR histograms (the only importer of hdr-histogram-js). Values are recorded in
// whole microseconds with 2 significant digits: any percentile is within 1 % of the true value,
// which is finer than any latency tolerance needs, and a histogram covering 1 µs to 1 s takes
// about 7 KB (3 digits would take 10 times that). It grows by itself for longer latencies.
// Compressed (deflate + base64) a second's histogram is a few hundred characters.

export type LatencyHistogram = Histogram;

/** Relative precision of every value read back from a histogram. */
export const latencyPrecision = 0.01;

export function createLatencyHistogram(): LatencyHistogram {
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1_000_000,
    numberOfSignificantValueDigits: 2,
    autoResize: true,
  });
}

export function recordLatency(histogram: LatencyHistogram, latencyMs: number): void {
  histogram.recordValue(Math.max(0, Math.round(latencyMs * 1000)));
}

export function encodeLatencies(histogram: LatencyHistogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeLatencies(encoded: string): LatencyHistogram {
  return decodeFromCompressedBase64(encoded, 32);
}

export type LatencyPercentiles = { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };

/** Undefined when nothing was recorded: no answer, no latency (never a made-up 0). Each value is the
 * top of its HDR bucket: at most 1 % above the true value (the max too, so a histogram read live
 * and after a round trip through its compressed form gives the same figures). */
export function readPercentiles(histogram: LatencyHistogram): LatencyPercentiles | undefined {
  if (histogram.totalCount === 0) return undefined;
  return {
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p95Ms: histogram.getValueAtPercentile(95) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    maxMs: histogram.getValueAtPercentile(100) / 1000,
  };
}
