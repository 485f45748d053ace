import type { ExpectSpec, ProbeSpec, ToleranceSpec } from '../experiment/schema.ts';
import { describeTolerance, hasTolerance } from '../hypothesis/tolerance.ts';
import { formatNumber } from './format-time.ts';

// What a probe's `value` measures and which tolerance applies to it: the y axis of its chart.
export type ValueAxis = { label: string; unit: string; tolerance?: Partial<ToleranceSpec> };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const toleranceOnly = (spec: Record<string, unknown>): Partial<ToleranceSpec> => {
  const { below, above, atMost, atLeast, between, equals } = spec as Partial<ToleranceSpec>;
  return Object.fromEntries(
    Object.entries({ below, above, atMost, atLeast, between, equals }).filter(([, v]) => v !== undefined),
  ) as Partial<ToleranceSpec>;
};

// The whole expectation in words: "status 200 and latency below 1000 ms".
export function describeExpect(expect: unknown): string {
  if (!isRecord(expect)) return 'no expectation recorded';
  const e = expect as Partial<ExpectSpec>;
  const parts: string[] = [];
  if (e.status !== undefined)
    parts.push(Array.isArray(e.status) ? `status one of ${e.status.join(', ')}` : `status ${e.status}`);
  const sub: [string, Partial<ToleranceSpec> | undefined, string][] = [
    ['latency', e.latencyMs, ' ms'],
    ['error ratio', e.errorRatio, ''],
    ['p50', e.p50Ms, ' ms'],
    ['p95', e.p95Ms, ' ms'],
    ['p99', e.p99Ms, ' ms'],
  ];
  for (const [label, spec, unit] of sub) {
    if (spec && hasTolerance(spec)) parts.push(`${label} ${describeTolerance(spec)}${unit}`);
  }
  if (e.bodyMatches !== undefined) parts.push(`body matching /${e.bodyMatches}/`);
  if (e.exitCode !== undefined) parts.push(`exit code ${e.exitCode}`);
  if (e.outputMatches !== undefined) parts.push(`output matching /${e.outputMatches}/`);
  const plain = toleranceOnly(expect);
  if (hasTolerance(plain)) parts.push(`value ${describeTolerance(plain)}`);
  return parts.length > 0 ? parts.join(' and ') : 'success';
}

export function valueAxisOf(kind: string, expect: unknown, spec: ProbeSpec | undefined): ValueAxis {
  const e = isRecord(expect) ? (expect as Partial<ExpectSpec>) : {};
  const pick = (t: Partial<ToleranceSpec> | undefined) => (t && hasTolerance(t) ? t : undefined);
  switch (kind) {
    case 'http':
      return spec?.http?.burst
        ? { label: 'error ratio', unit: '', tolerance: pick(e.errorRatio) }
        : { label: 'latency', unit: 'ms', tolerance: pick(e.latencyMs) };
    case 'command':
      return { label: 'output', unit: '' };
    default:
      return { label: 'value', unit: '', tolerance: pick(toleranceOnly(e as Record<string, unknown>)) };
  }
}

// The numeric interval a tolerance allows (open or closed ends are not distinguished on a chart).
export function allowedRange(tolerance: Partial<ToleranceSpec>): { low?: number; high?: number } {
  let low: number | undefined;
  let high: number | undefined;
  const raise = (v: number) => {
    low = low === undefined ? v : Math.max(low, v);
  };
  const lower = (v: number) => {
    high = high === undefined ? v : Math.min(high, v);
  };
  if (tolerance.below !== undefined) lower(tolerance.below);
  if (tolerance.atMost !== undefined) lower(tolerance.atMost);
  if (tolerance.above !== undefined) raise(tolerance.above);
  if (tolerance.atLeast !== undefined) raise(tolerance.atLeast);
  if (tolerance.between !== undefined) {
    raise(tolerance.between[0]);
    lower(tolerance.between[1]);
  }
  if (typeof tolerance.equals === 'number') {
    raise(tolerance.equals);
    lower(tolerance.equals);
  }
  return { low, high };
}

// How far a value is outside its tolerance, in words: "707.1 ms over the bound of 500 (2.4×)".
export function describeExcess(value: number, axis: ValueAxis): string | undefined {
  if (!axis.tolerance) return undefined;
  const { low, high } = allowedRange(axis.tolerance);
  const unit = axis.unit ? ` ${axis.unit}` : '';
  if (high !== undefined && value > high) {
    const ratio = high > 0 ? ` (${formatNumber(value / high)}×)` : '';
    return `${formatNumber(value - high)}${unit} over the bound of ${formatNumber(high)}${ratio}`;
  }
  if (high !== undefined && value === high && (axis.tolerance.below === high || low === high)) {
    return `at the bound of ${formatNumber(high)}${unit}, which is excluded`;
  }
  if (low !== undefined && value < low) {
    return `${formatNumber(low - value)}${unit} under the bound of ${formatNumber(low)}`;
  }
  if (low !== undefined && value === low && axis.tolerance.above === low) {
    return `at the bound of ${formatNumber(low)}${unit}, which is excluded`;
  }
  return undefined;
}

// How close a value in tolerance came to a bound, as a fraction of the bound (0.08 = within 8%).
export function headroom(value: number, axis: ValueAxis): number | undefined {
  if (!axis.tolerance) return undefined;
  const { low, high } = allowedRange(axis.tolerance);
  const margins: number[] = [];
  if (high !== undefined && high !== 0 && value <= high) margins.push((high - value) / Math.abs(high));
  if (low !== undefined && low !== 0 && value >= low) margins.push((value - low) / Math.abs(low));
  return margins.length > 0 ? Math.min(...margins) : undefined;
}
