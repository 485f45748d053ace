// A stream of `spec.load` as the generator runs it: rates per second, durations in ms, defaults
// applied. The document was validated, so every value here parses.
import { parseDuration } from '../experiment/duration.ts';
import { formatRate, parseRate } from '../experiment/rate.ts';
import type { LoadStreamSpec } from '../experiment/schema.ts';
import { defaultLateAfterMs, defaultMaxInFlight, type LoadStreamOptions } from './stream-options.ts';

export const defaultLoadTimeoutMs = 5_000;

export function streamOptionsOf(stream: LoadStreamSpec): LoadStreamOptions {
  const ratePerSecond = parseRate(stream.rate);
  const timeoutMs = stream.http.timeout ? parseDuration(stream.http.timeout) : defaultLoadTimeoutMs;
  const ramp = stream.ramp;
  return {
    name: stream.name,
    url: stream.http.url,
    method: stream.http.method ?? 'GET',
    ...(stream.http.headers ? { headers: stream.http.headers } : {}),
    ...(stream.http.body === undefined ? {} : { body: stream.http.body }),
    timeoutMs,
    ...(stream.expect?.status === undefined ? {} : { expectStatus: stream.expect.status }),
    rate: ramp
      ? {
          perSecond: parseRate(ramp.from),
          ramp: { toPerSecond: ratePerSecond, overMs: parseDuration(ramp.over) },
        }
      : { perSecond: ratePerSecond },
    maxInFlight:
      stream.maxInFlight ??
      defaultMaxInFlight(Math.max(ratePerSecond, ramp ? parseRate(ramp.from) : 0), timeoutMs),
    lateAfterMs: stream.lateAfter ? parseDuration(stream.lateAfter) : defaultLateAfterMs,
  };
}

// "GET http://shop/ at 200/s": the stream in a few words, for events and `plan`.
export function describeStream(options: LoadStreamOptions): string {
  const rate = options.rate.ramp
    ? `${formatRate(options.rate.perSecond)} ramping to ${formatRate(options.rate.ramp.toPerSecond)} over ${options.rate.ramp.overMs / 1000}s`
    : formatRate(options.rate.perSecond);
  return `${options.method ?? 'GET'} ${options.url} at ${rate}`;
}
