// A `jsonpath` tolerance on chaosprometheus's answer, in the forms whose meaning was checked against
// jsonpath2 0.4.5 (the library chaostoolkit-lib uses): a filter that keeps the series (or, for a
// range query, the samples) whose value is not "N", with `count: 0`. It holds when every series
// (sample) equals N, or there is none. jsonpath2 compares the value as text, and `>`/`<` against
// Prometheus's text values never match, so only `!=` with a quoted number means something here.
import { describeValue, isPlainObject } from '../experiment/describe-schema.ts';
import type { MappedExpect, ProbeValue } from './mapped-activity.ts';
import type { ConvertContext } from './provider-fields.ts';

const instantForm = /^\$\.data\.result(?:\.\*|\[\*\])\[\?\(@\.value\[1\]\s*!=\s*"([^"]*)"\)\]$/;
const rangeForm = /^\$\.data\.result(?:\.\*|\[\*\])\.values(?:\.\*|\[\*\])\[\?\(@\[1\]\s*!=\s*"([^"]*)"\)\]$/;

// Prometheus writes sample values with Go's strconv 'f' format: "0", "2.5", never "0.0" or "1e3".
function isPrometheusText(text: string): boolean {
  return /^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/.test(text) || ['NaN', '+Inf', '-Inf'].includes(text);
}

export function expectForJsonPath(
  tolerance: unknown,
  value: Extract<ProbeValue, { kind: 'prometheus' }> | ProbeValue,
  _context: ConvertContext,
): MappedExpect | string {
  const range = value.kind === 'prometheus' ? value.range : undefined;
  if (!isPlainObject(tolerance)) {
    return `the tolerance ${describeValue(tolerance)} never holds in Chaos Toolkit: the probe returns Prometheus's JSON answer`;
  }
  if (tolerance.type !== 'jsonpath') {
    return tolerance.type === 'probe'
      ? 'a probe tolerance runs Python code on the value, which Faultline cannot do'
      : `a ${describeValue(tolerance.type)} tolerance on Prometheus's JSON answer cannot be imported`;
  }
  const form = range ? rangeForm : instantForm;
  const example = range
    ? '$.data.result[*].values[*][?(@[1] != "0")]'
    : '$.data.result[*][?(@.value[1] != "0")]';
  const match = typeof tolerance.path === 'string' ? form.exec(tolerance.path.trim()) : null;
  const unsupported = `Faultline imports a jsonpath tolerance on ${range ? 'query_interval' : 'query'} only as ${example} with count: 0`;
  if (!match || tolerance.count !== 0 || 'expect' in tolerance || 'target' in tolerance) return unsupported;
  const text = match[1] as string;
  if (!isPrometheusText(text) || ['NaN', '+Inf', '-Inf'].includes(text)) {
    return `Prometheus never writes a value as ${JSON.stringify(text)}, so this filter keeps every series`;
  }
  const wanted = Number(text);
  if (!range) return { expect: { equals: wanted }, prometheus: { aggregate: 'each', onEmpty: 'pass' } };
  // Every sample of a series equals N when the largest distance from N over the range is 0.
  return {
    expect: { equals: 0 },
    prometheus: { aggregate: 'each', onEmpty: 'pass' },
    queryOf: (query) => `max_over_time((abs((${query}) - ${wanted}))[${range}])`,
  };
}
