import { AdapterError } from '../adapters/adapter-error.ts';
import { queryPrometheus } from '../adapters/prometheus.ts';
import type { ExpectSpec, PrometheusProbeSpec } from '../experiment/schema.ts';
import { checkTolerance } from '../hypothesis/tolerance.ts';
import type { ProbeResult } from './probe-context.ts';

const formatLabels = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

// An instant query. An empty result is its own outcome (`onEmpty`: fail by default), never silently ok.
// NaN (e.g. 0/0 in a ratio when there was no traffic) is out of tolerance for every bound.
export async function samplePrometheus(
  spec: PrometheusProbeSpec,
  expect: ExpectSpec,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  let series: { labels: Record<string, string>; value: number }[];
  try {
    series = (await queryPrometheus(spec.url, spec.query, { timeoutMs, signal })).series;
  } catch (error) {
    if (error instanceof AdapterError) {
      const outcome =
        error.failure === 'unreachable' ? 'unreachable' : error.failure === 'timeout' ? 'timeout' : 'error';
      return { outcome, detail: error.message };
    }
    throw error;
  }
  if (series.length === 0) {
    const onEmpty = spec.onEmpty ?? 'fail';
    if (onEmpty === 'pass') return { outcome: 'ok', detail: 'empty result (onEmpty: pass)' };
    if (onEmpty === 'fail')
      return { outcome: 'empty', detail: 'the query returned no series (onEmpty: fail)' };
    series = [{ labels: {}, value: 0 }];
  }
  const aggregate = spec.aggregate ?? 'each';
  if (aggregate !== 'each') {
    const values = series.map((s) => s.value);
    const value = aggregateValues(values, aggregate);
    const check = checkTolerance(value, expect);
    const detail = `${aggregate} of ${values.length} series = ${value}, expected ${check.expected}`;
    return { outcome: check.ok ? 'ok' : 'out-of-tolerance', value, detail };
  }
  const judged = series.map((s) => {
    const check = checkTolerance(s.value, expect);
    return {
      label: formatLabels(s.labels),
      value: Number.isNaN(s.value) ? null : s.value,
      ok: check.ok,
      expected: check.expected,
    };
  });
  const bad = judged.filter((j) => !j.ok);
  const first = series[0]?.value;
  const value = series.length === 1 && first !== undefined && !Number.isNaN(first) ? first : undefined;
  const expected = judged[0]?.expected ?? '';
  const detail =
    bad.length === 0
      ? `${series.length === 1 ? `value ${series[0]?.value}` : `${series.length} series`} within ${expected}`
      : `${bad.map((b) => `${b.label === '{}' ? 'value' : b.label} ${b.value ?? 'NaN'}`).join(', ')}, expected ${expected}`;
  return {
    outcome: bad.length === 0 ? 'ok' : 'out-of-tolerance',
    value,
    values: judged.map(({ label, value: v, ok }) => ({ label, value: v, ok })),
    detail,
  };
}

function aggregateValues(values: number[], how: 'max' | 'min' | 'sum' | 'avg'): number {
  switch (how) {
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}
