// Rules for probes that the schema cannot express: the `expect` keys fit the probe's kind, there
// is at least one expectation, `between` is ordered, and regular expressions compile. Works on
// values the schema may have rejected, so every access is guarded.

import { describeValue, isPlainObject, joinAlternatives } from './describe-schema.ts';
import type { Issue, PathSegment } from './diagnostic.ts';
import {
  expectKeysByProbeKind,
  loadToleranceKeys,
  type ProbeKind,
  probeKinds,
  toleranceKeys,
} from './schema.ts';

const nestedToleranceKeys = ['latencyMs', ...loadToleranceKeys];
const regexKeys = ['bodyMatches', 'outputMatches'];
// Keys outside these are unknown fields, which the schema reports.
const knownExpectKeys = new Set<string>(Object.values(expectKeysByProbeKind).flat());

// The single kind of a probe, or undefined when it has none or several (the schema reports that).
export function probeKindOf(probe: Record<string, unknown>): ProbeKind | undefined {
  const kinds = probeKinds.filter((kind) => Object.hasOwn(probe, kind));
  return kinds.length === 1 ? kinds[0] : undefined;
}

function checkBetween(tolerance: Record<string, unknown>, path: PathSegment[]): Issue[] {
  const between = tolerance.between;
  if (!Array.isArray(between) || between.length !== 2) return [];
  const [low, high] = between as unknown[];
  if (typeof low !== 'number' || typeof high !== 'number' || low <= high) return [];
  const found = describeValue(between);
  return [
    {
      path: [...path, 'between'],
      message: `expected [low, high] with low <= high, found ${found}`,
      expected: '[low, high] with low <= high',
      found,
    },
  ];
}

// Unknown keys count: the schema reports them.
function checkToleranceNotEmpty(tolerance: Record<string, unknown>, path: PathSegment[]): Issue[] {
  if (Object.keys(tolerance).length > 0) return [];
  const expected = `at least one of ${joinAlternatives([...toleranceKeys])}`;
  return [{ path, message: `expected ${expected}, found none`, expected, found: 'none' }];
}

function checkRegex(source: unknown, path: PathSegment[]): Issue[] {
  if (typeof source !== 'string') return [];
  try {
    new RegExp(source);
    return [];
  } catch (error) {
    const reason = (error as Error).message.split(': ').at(-1) ?? 'invalid';
    const found = describeValue(source);
    return [
      {
        path,
        message: `invalid regular expression ${found}: ${reason}`,
        expected: 'a regular expression',
        found,
      },
    ];
  }
}

// The tolerances nested under an expectation's keys (latencyMs, p99Ms, ...): ordered, not empty.
export function checkNestedTolerances(expect: Record<string, unknown>, expectPath: PathSegment[]): Issue[] {
  const issues: Issue[] = [];
  for (const key of nestedToleranceKeys) {
    const tolerance = expect[key];
    if (!isPlainObject(tolerance)) continue;
    issues.push(
      ...checkBetween(tolerance, [...expectPath, key]),
      ...checkToleranceNotEmpty(tolerance, [...expectPath, key]),
    );
  }
  return issues;
}

export function checkProbe(probe: unknown, path: PathSegment[]): Issue[] {
  if (!isPlainObject(probe) || !isPlainObject(probe.expect)) return [];
  const expect = probe.expect;
  const expectPath = [...path, 'expect'];
  const issues: Issue[] = [...checkBetween(expect, expectPath), ...checkNestedTolerances(expect, expectPath)];
  for (const key of regexKeys) issues.push(...checkRegex(expect[key], [...expectPath, key]));

  const kind = probeKindOf(probe);
  if (kind === undefined) return issues;
  const fitting: readonly string[] = expectKeysByProbeKind[kind];
  const keys = Object.keys(expect);
  const article = kind === 'http' ? 'an' : 'a';
  const expected = joinAlternatives([...fitting]);
  for (const key of keys.filter((key) => knownExpectKeys.has(key) && !fitting.includes(key))) {
    issues.push({
      path: [...expectPath, key],
      at: 'key',
      message: `"${key}" does not apply to ${article} ${kind} probe, which expects ${expected}`,
      expected,
      found: JSON.stringify(key),
    });
  }
  if (keys.length === 0) {
    issues.push({
      path: expectPath,
      message: `expected at least one expectation for ${article} ${kind} probe (${expected}), found none`,
      expected,
      found: 'none',
    });
  }
  return issues;
}
