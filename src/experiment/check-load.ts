// Rules for load streams and load probes that the schema cannot express: rates above zero, an
// absolute http(s) URL, ramps and timeouts that take time, tolerances that are not empty, and
// every load probe naming a stream of spec.load with a window long enough to judge every request.
// Works on values the schema may have rejected, so every access is guarded.
import { checkNestedTolerances } from './check-probes.ts';
import { describeValue, isPlainObject, joinAlternatives } from './describe-schema.ts';
import type { Issue, PathSegment } from './diagnostic.ts';
import { didYouMean } from './did-you-mean.ts';
import { tryParseDuration } from './duration.ts';
import { tryParseRate } from './rate.ts';

const listAt = (parent: unknown, key: string): unknown[] =>
  isPlainObject(parent) && Array.isArray(parent[key]) ? parent[key] : [];

function durationOf(parent: unknown, key: string): number | undefined {
  return isPlainObject(parent) && typeof parent[key] === 'string' ? tryParseDuration(parent[key]) : undefined;
}

function aboveZero(value: number | undefined, found: unknown, path: PathSegment[], what: string): Issue[] {
  if (value !== 0) return [];
  const text = describeValue(found);
  return [
    { path, message: `expected ${what} above 0, found ${text}`, expected: `${what} above 0`, found: text },
  ];
}

// Only a URL without an unresolved variable can be judged (validate leaves those as warnings).
function checkUrl(url: unknown, path: PathSegment[]): Issue[] {
  if (typeof url !== 'string' || url.includes('${')) return [];
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol === 'http:' || protocol === 'https:') return [];
  const found = describeValue(url);
  const expected = 'an absolute http:// or https:// URL';
  return [{ path, message: `expected ${expected}, found ${found}`, expected, found }];
}

function checkStream(stream: unknown, path: PathSegment[]): Issue[] {
  if (!isPlainObject(stream)) return [];
  const issues = aboveZero(tryParseRate(stream.rate), stream.rate, [...path, 'rate'], 'a rate');
  if (isPlainObject(stream.http)) {
    issues.push(...checkUrl(stream.http.url, [...path, 'http', 'url']));
    const timeout = durationOf(stream.http, 'timeout');
    issues.push(...aboveZero(timeout, stream.http.timeout, [...path, 'http', 'timeout'], 'a duration'));
  }
  if (isPlainObject(stream.ramp)) {
    const over = durationOf(stream.ramp, 'over');
    issues.push(...aboveZero(over, stream.ramp.over, [...path, 'ramp', 'over'], 'a duration'));
  }
  if (isPlainObject(stream.expect)) issues.push(...checkNestedTolerances(stream.expect, [...path, 'expect']));
  return issues;
}

// A window shorter than the interval between samples would leave requests that no sample judges.
function checkWindow(probe: Record<string, unknown>, path: PathSegment[], everyMs: number | undefined) {
  const load = probe.load as Record<string, unknown>;
  const windowMs = durationOf(load, 'window');
  if (windowMs === undefined) return [];
  const found = describeValue(load.window);
  const windowPath = [...path, 'load', 'window'];
  if (windowMs < 1000)
    return [
      {
        path: windowPath,
        message: `expected a window of at least 1s (load is counted per second), found ${found}`,
        expected: 'a duration of at least 1s',
        found,
      },
    ];
  if (everyMs !== undefined && windowMs < everyMs)
    return [
      {
        path: windowPath,
        message: `the window ${load.window} is shorter than hypothesis.during.every: the requests between two samples would not all be judged`,
        expected: 'a window at least as long as hypothesis.during.every',
        found,
      },
    ];
  return [];
}

function checkStreamName(probe: Record<string, unknown>, path: PathSegment[], names: string[]): Issue[] {
  const load = probe.load as Record<string, unknown>;
  if (typeof load.stream !== 'string' || names.includes(load.stream)) return [];
  const found = JSON.stringify(load.stream);
  const known =
    names.length === 0
      ? 'spec.load has no stream'
      : `spec.load has ${joinAlternatives(
          names.map((name) => JSON.stringify(name)),
          'and',
        )}`;
  const suggestion = didYouMean(load.stream, names);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return [
    {
      path: [...path, 'load', 'stream'],
      message: `no load stream named ${found}: ${known}${hint}`,
      expected: names.length === 0 ? 'a stream declared in spec.load' : `one of ${names.join(', ')}`,
      found,
    },
  ];
}

// hypothesis.during.every, or the run's default when it is not given (see run-state.ts).
function samplingIntervalOf(spec: Record<string, unknown>): number | undefined {
  const every = isPlainObject(spec.hypothesis) ? durationOf(spec.hypothesis.during, 'every') : undefined;
  if (every !== undefined) return every;
  if (isPlainObject(spec.hypothesis) && isPlainObject(spec.hypothesis.during)) return undefined;
  const duration = durationOf(spec, 'duration');
  return duration === undefined ? undefined : Math.max(1_000, duration / 10);
}

export function checkLoad(spec: Record<string, unknown>): Issue[] {
  const streams = listAt(spec, 'load');
  const issues = streams.flatMap((stream, index) => checkStream(stream, ['spec', 'load', index]));
  const names = streams.flatMap((stream) =>
    isPlainObject(stream) && typeof stream.name === 'string' ? [stream.name] : [],
  );
  const everyMs = samplingIntervalOf(spec);
  const probeLists: [unknown[], PathSegment[], boolean][] = [
    [listAt(spec.hypothesis, 'probes'), ['spec', 'hypothesis', 'probes'], true],
    [listAt(spec, 'abortWhen'), ['spec', 'abortWhen'], true],
    [listAt(spec, 'steps'), ['spec', 'steps'], false],
    [listAt(spec, 'rollbacks'), ['spec', 'rollbacks'], false],
  ];
  for (const [probes, path, sampledEvery] of probeLists) {
    probes.forEach((probe, index) => {
      if (!isPlainObject(probe) || !isPlainObject(probe.load)) return;
      const at = [...path, index];
      issues.push(...checkStreamName(probe, at, names));
      issues.push(...checkWindow(probe, at, sampledEvery ? everyMs : undefined));
    });
  }
  return issues;
}
