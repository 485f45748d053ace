import type { ToleranceSpec } from '../experiment/schema.ts';

export type ToleranceResult = { ok: boolean; expected: string };

const toleranceKeys = ['below', 'above', 'atMost', 'atLeast', 'between', 'equals'] as const;

export function hasTolerance(spec: Partial<ToleranceSpec> | undefined): boolean {
  return spec !== undefined && toleranceKeys.some((key) => spec[key] !== undefined);
}

// Describes a tolerance the way reports and errors show it: "below 500", "between 1 and 3".
export function describeTolerance(spec: Partial<ToleranceSpec>): string {
  const parts: string[] = [];
  if (spec.below !== undefined) parts.push(`below ${spec.below}`);
  if (spec.above !== undefined) parts.push(`above ${spec.above}`);
  if (spec.atMost !== undefined) parts.push(`at most ${spec.atMost}`);
  if (spec.atLeast !== undefined) parts.push(`at least ${spec.atLeast}`);
  if (spec.between !== undefined) parts.push(`between ${spec.between[0]} and ${spec.between[1]}`);
  if (spec.equals !== undefined) parts.push(`equal to ${JSON.stringify(spec.equals)}`);
  return parts.join(' and ');
}

// Every bound given must hold. Numbers compare numerically; `equals` also matches strings and booleans,
// and a numeric string equals its number ("3" equals 3), because Kubernetes fields and PromQL values vary.
export function checkTolerance(value: unknown, spec: Partial<ToleranceSpec>): ToleranceResult {
  const expected = describeTolerance(spec);
  const numeric = toNumber(value);
  const numberBounds: [number | undefined, (v: number, b: number) => boolean][] = [
    [spec.below, (v, b) => v < b],
    [spec.above, (v, b) => v > b],
    [spec.atMost, (v, b) => v <= b],
    [spec.atLeast, (v, b) => v >= b],
  ];
  for (const [bound, holds] of numberBounds) {
    if (bound === undefined) continue;
    if (numeric === undefined || !holds(numeric, bound)) return { ok: false, expected };
  }
  if (spec.between !== undefined) {
    const [low, high] = spec.between;
    if (numeric === undefined || numeric < low || numeric > high) return { ok: false, expected };
  }
  if (spec.equals !== undefined && !isEqual(value, spec.equals)) return { ok: false, expected };
  return { ok: true, expected };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function isEqual(value: unknown, expected: number | string | boolean): boolean {
  if (typeof expected === 'number') return toNumber(value) === expected;
  if (typeof expected === 'boolean') return value === expected || String(value) === String(expected);
  return String(value) === expected;
}

// The highest value a tolerance allows, if it has one: a latency past it fails the sample at once,
// without waiting for the answer. `equals` counts as a bound too.
export function upperBoundOf(spec: Partial<ToleranceSpec> | undefined): number | undefined {
  if (!spec) return undefined;
  const bounds = [
    spec.below,
    spec.atMost,
    spec.between?.[1],
    typeof spec.equals === 'number' ? spec.equals : undefined,
  ];
  const given = bounds.filter((bound): bound is number => bound !== undefined);
  return given.length === 0 ? undefined : Math.min(...given);
}
