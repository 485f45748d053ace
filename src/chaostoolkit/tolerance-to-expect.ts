// A Chaos Toolkit tolerance as a Faultline `expect`. What a tolerance means depends on the probe's
// value (chaoslib.hypothesis.within_tolerance): a bare 200 is an HTTP status, an exit code, or a
// value compared as is; a list is a set of statuses when the value has one, else a [low, high]
// range. A tolerance that can never hold in Chaos Toolkit, or that Faultline cannot express, is an
// error: the import never changes what the check means.

import { describeValue, isPlainObject } from '../experiment/describe-schema.ts';
import type { PathSegment } from '../experiment/diagnostic.ts';
import { resolveValue, rewriteText, wholeReferenceName } from './chaostoolkit-template.ts';
import { expectForJsonPath } from './jsonpath-tolerance.ts';
import type { MappedExpect, ProbeValue } from './mapped-activity.ts';
import type { ConvertContext } from './provider-fields.ts';

type Tolerance = { value: unknown; written: unknown; path: PathSegment[]; fromEnvironment: boolean };

const never = (what: string, value: unknown) =>
  `the tolerance ${describeValue(value)} never holds in Chaos Toolkit: ${what}`;

const pythonOnlyRegex = /\(\?P[<=]|\\[AZ]|\(\?#/;

function regexIssue(pattern: string): string | undefined {
  const python = pythonOnlyRegex.exec(pattern);
  if (python) return `the pattern uses Python-only syntax ${JSON.stringify(python[0])}`;
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return `the pattern is not a regular expression Faultline can read: ${(error as Error).message}`;
  }
}

function statusList(values: unknown[]): number[] | undefined {
  return values.every(
    (value) => Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599,
  )
    ? (values as number[])
    : undefined;
}

function mapRangeOrRegex(
  tolerance: Record<string, unknown>,
  target: 'status' | 'body' | 'stdout',
  key: 'bodyMatches' | 'outputMatches',
  tol: Tolerance,
  context: ConvertContext,
): MappedExpect | string {
  if (tolerance.target !== (tolerance.type === 'range' ? 'status' : target)) {
    const wanted = tolerance.type === 'range' ? '"status"' : `"${target}"`;
    return `a ${tolerance.type} tolerance here must name target: ${wanted} (found ${describeValue(tolerance.target)})`;
  }
  if (tolerance.type === 'regex') {
    if (typeof tolerance.pattern !== 'string') return 'a regex tolerance needs a pattern';
    const problem = regexIssue(String(resolveValue(tolerance.pattern, context.variables).value));
    if (problem) return problem;
    return { expect: { [key]: rewriteText(tolerance.pattern, [...tol.path, 'pattern'], context) } };
  }
  const range = tolerance.range;
  if (!Array.isArray(range) || range.length !== 2 || !range.every((bound) => typeof bound === 'number')) {
    return 'a range tolerance needs range: [low, high] of two numbers';
  }
  const [low, high] = range as [number, number];
  if (key === 'outputMatches') {
    return Math.ceil(low) === Math.floor(high)
      ? { expect: { exitCode: Math.ceil(low) } }
      : 'Faultline expects one exit code, not a range';
  }
  const statuses: number[] = [];
  for (let status = Math.max(100, Math.ceil(low)); status <= Math.min(599, Math.floor(high)); status += 1)
    statuses.push(status);
  return statuses.length > 0
    ? { expect: { status: statuses } }
    : never('no HTTP status lies in the range', range);
}

function mapHttp(tol: Tolerance, context: ConvertContext): MappedExpect | string {
  const { value } = tol;
  if (typeof value === 'number') {
    return statusList([value])
      ? { expect: { status: wrapped(tol, value) as number } }
      : never('it is not an HTTP status', value);
  }
  if (Array.isArray(value)) {
    const statuses = statusList(value);
    if (!statuses)
      return never('an HTTP probe compares its status with each item, and not all are statuses', value);
    if (statuses.length === 2 && (statuses[1] as number) - (statuses[0] as number) > 1) {
      context.reporter.warn(
        tol.path,
        `Chaos Toolkit reads [${statuses.join(', ')}] on an HTTP probe as the two statuses ${statuses.join(' and ')}, not as a range; the import keeps that meaning`,
      );
    }
    return { expect: { status: statuses } };
  }
  if (isPlainObject(value) && (value.type === 'range' || value.type === 'regex')) {
    return mapRangeOrRegex(value, 'body', 'bodyMatches', tol, context);
  }
  if (isPlainObject(value) && value.type === 'jsonpath') {
    return 'Faultline has no JSON path on an HTTP body (its bodyMatches is a regular expression)';
  }
  return mapCommon(tol, 'an HTTP probe returns {status, headers, body}');
}

function mapProcess(tol: Tolerance, context: ConvertContext): MappedExpect | string {
  const { value } = tol;
  const exitCodes = Array.isArray(value) ? value : [value];
  if (exitCodes.length === 1 && Number.isInteger(exitCodes[0])) {
    const code = exitCodes[0] as number;
    return code >= 0 && code <= 255
      ? { expect: { exitCode: wrapped(tol, code) as number } }
      : never('it is not an exit code', value);
  }
  if (Array.isArray(value)) return 'Faultline expects one exit code, not a list';
  if (isPlainObject(value) && (value.type === 'regex' || value.type === 'range')) {
    return mapRangeOrRegex(value, 'stdout', 'outputMatches', tol, context);
  }
  return mapCommon(tol, 'a process probe returns {status, stdout, stderr}');
}

function mapCheck(tol: Tolerance, value: Extract<ProbeValue, { kind: 'check' }>): MappedExpect | string {
  // Python: True == 1 and False == 0, so 1 and 0 work as true and false.
  const wanted = tol.value === 1 ? true : tol.value === 0 ? false : tol.value;
  if (wanted === true) return { expect: value.holds };
  if (wanted === false) {
    return value.fails
      ? { expect: value.fails }
      : 'it expects the check to fail, and Faultline cannot write the opposite of this check';
  }
  return mapCommon(tol, 'this probe returns true or false');
}

function mapCommon(tol: Tolerance, what: string): string {
  const { value } = tol;
  if (isPlainObject(value) && value.type === 'probe') {
    return 'a probe tolerance runs Python code on the value, which Faultline cannot do';
  }
  if (isPlainObject(value) && !['range', 'regex', 'jsonpath'].includes(String(value.type))) {
    return `Chaos Toolkit has no tolerance of type ${describeValue(value.type)}`;
  }
  if (isPlainObject(value)) return `a ${value.type} tolerance does not fit here: ${what}`;
  return never(what, value);
}

// A scalar that came from an environment variable is written as that variable.
function wrapped(tol: Tolerance, value: unknown): unknown {
  const name = wholeReferenceName(tol.written);
  return name !== undefined && tol.value === value && tol.fromEnvironment ? tol.written : value;
}

export function mapTolerance(
  written: unknown,
  path: PathSegment[],
  value: ProbeValue,
  context: ConvertContext,
): MappedExpect | undefined {
  // Only a string tolerance is substituted (a whole `${name}` keeps its type).
  const resolved =
    typeof written === 'string'
      ? resolveValue(written, context.variables)
      : { value: written, unknown: [], fromEnvironment: false };
  if (resolved.unknown.length > 0) {
    context.reporter.error(path, `the import must know the tolerance, but ${resolved.unknown.join('; ')}`);
    return undefined;
  }
  const reference = typeof written === 'string' ? wholeReferenceName(written) : undefined;
  const tol: Tolerance = {
    value: resolved.value,
    written: reference && resolved.fromEnvironment ? rewriteText(written as string, path, context) : written,
    path,
    fromEnvironment: resolved.fromEnvironment,
  };
  const result =
    value.kind === 'http'
      ? mapHttp(tol, context)
      : value.kind === 'process'
        ? mapProcess(tol, context)
        : value.kind === 'check'
          ? mapCheck(tol, value)
          : value.kind === 'prometheus'
            ? expectForJsonPath(tol.value, value, context)
            : `this probe returns ${value.what}, which no Faultline expectation can judge`;
  if (typeof result !== 'string') return result;
  const text =
    tol.fromEnvironment && typeof tol.value === 'string'
      ? ' (it comes from the environment as text; env_var_type: int makes it a number)'
      : '';
  context.reporter.error(path, `${result}${text}`);
  return undefined;
}

// A method probe or a rollback has no tolerance: Chaos Toolkit records its value and judges nothing.
// Faultline needs an expectation; this is the one that fails only where Chaos Toolkit warns.
export function recordingExpect(value: ProbeValue): MappedExpect | undefined {
  switch (value.kind) {
    case 'http':
      return { expect: { latencyMs: { atLeast: 0 } } };
    case 'process':
      return { expect: { exitCode: 0 } };
    case 'check':
      return { expect: value.holds };
    case 'prometheus':
      return value.range
        ? undefined
        : { expect: { atLeast: -Number.MAX_VALUE }, prometheus: { onEmpty: 'pass' } };
    case 'opaque':
      return undefined;
  }
}
