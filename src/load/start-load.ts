// Load streams: steady open-model HTTP traffic during a run, and what it cost.
//
// The public API of src/load/ (the engine and probes use it; it uses adapters and the clock):
//
//   const load = startLoad([{ name: 'shoppers', url, timeoutMs: 2000, expectStatus: 200,
//                             rate: { perSecond: 200 } }]);          // starts every stream now
//   load.stream('shoppers').account.summarize(fromMs, toMs)         // any window [from, to), epoch ms,
//                                                                    // taken at whole seconds
//   load.stream('shoppers').account.perSecond(fromMs, toMs)         // the same, one per second
//   load.stream('shoppers').account.buckets()                       // the live per-second buckets
//   summarizeWindow(buckets, fromMs, toMs)                           // the same on any buckets
//   const totals = await load.stop();                                // stop sending, wait for the
//                                                                    // requests in flight (≤ timeout)
//   load.serialize()   // { [stream]: SerializedBucket[] } for the journal (≈ 500 B per second)
//   parseBuckets(json) // back to buckets, e.g. in the reports, then summarizeWindow(...)
//
// A WindowSummary has sent, ok, lost (= wrongStatus + timeout + connectionFailure, in lostBy),
// inFlight (sent = ok + lost + inFlight, exactly, at any moment), notSent (the generator's own
// drops: in-flight cap reached or late; never part of lost), errorRatio, throughput (ok per
// second) and latency (p50/p95/p99/max ms from each request's intended send time, over answered
// requests). A request belongs to the second of its intended send time, whenever it ends.
// `stream.finished` resolves when a stream with durationMs has sent everything and drained.

import { createHttpLoadClient } from '../adapters/http-load-client.ts';
import { type Clock, systemClock } from '../clock.ts';
import { type LoadStream, type LoadStreamDeps, startLoadStream } from './load-stream.ts';
import { type SerializedBucket, serializeBuckets } from './serialize-buckets.ts';
import { checkStreamOptions, type LoadStreamOptions } from './stream-options.ts';
import type { WindowSummary } from './summarize-window.ts';

export type { LoadStream } from './load-stream.ts';
export { parseBuckets, type SerializedBucket } from './serialize-buckets.ts';
export type { LoadStreamOptions } from './stream-options.ts';
export { summarizeWindow, type WindowSummary } from './summarize-window.ts';

export type LoadRun = {
  stream(name: string): LoadStream;
  readonly streams: readonly LoadStream[];
  /** Stops every stream; resolves with each stream's totals once all requests in flight have ended. */
  stop(): Promise<Record<string, WindowSummary>>;
  serialize(): Record<string, SerializedBucket[]>;
};

// Sub-millisecond time on the epoch scale: latencies of a fast local server are fractions of a ms.
export const preciseClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: systemClock.sleep,
};

export function startLoad(
  options: readonly LoadStreamOptions[],
  deps: Partial<LoadStreamDeps> = {},
): LoadRun {
  const names = new Set<string>();
  for (const stream of options) {
    if (names.has(stream.name)) throw new Error(`load stream ${JSON.stringify(stream.name)} is named twice`);
    names.add(stream.name);
    checkStreamOptions(stream);
  }
  const full: LoadStreamDeps = {
    clock: deps.clock ?? preciseClock,
    connect: deps.connect ?? createHttpLoadClient,
  };
  const streams = options.map((stream) => startLoadStream(stream, full));
  const byName = new Map(streams.map((stream) => [stream.name, stream]));
  return {
    streams,
    stream(name) {
      const stream = byName.get(name);
      if (!stream)
        throw new Error(`no load stream named ${JSON.stringify(name)}; known: ${[...names].join(', ')}`);
      return stream;
    },
    async stop() {
      const totals = await Promise.all(streams.map((stream) => stream.stop()));
      return Object.fromEntries(
        streams.map((stream, index) => [stream.name, totals[index] as WindowSummary]),
      );
    },
    serialize: () =>
      Object.fromEntries(streams.map((stream) => [stream.name, serializeBuckets(stream.account.buckets())])),
  };
}
