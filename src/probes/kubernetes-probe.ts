import { AdapterError } from '../adapters/adapter-error.ts';
import type { KubeObject, KubernetesAdapter, RequestOptions } from '../adapters/kubernetes.ts';
import type { ExpectSpec, KubernetesProbeSpec } from '../experiment/schema.ts';
import { checkTolerance } from '../hypothesis/tolerance.ts';
import type { ProbeResult } from './probe-context.ts';

// Reads a dotted path: status.readyReplicas, spec.unschedulable, status.conditions[0].status,
// or status.conditions[type=Ready].status (the element whose `type` is Ready).
export function readField(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const part of path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) {
    if (current === undefined || current === null) return undefined;
    const bracket = /^\[(.*)\]$/.exec(part)?.[1];
    if (bracket === undefined) {
      current = (current as Record<string, unknown>)[part];
    } else if (/^\d+$/.test(bracket)) {
      current = (current as unknown[])[Number(bracket)];
    } else {
      const [key, value] = bracket.split('=');
      current = Array.isArray(current)
        ? current.find((item) => String((item as Record<string, unknown>)[key ?? '']) === value)
        : undefined;
    }
  }
  return current;
}

// A missing field counts as 0 for numeric bounds on status counters (readyReplicas is omitted
// when it is 0), and as absent otherwise.
function fieldValue(object: KubeObject, field: string, expect: ExpectSpec): unknown {
  const value = readField(object, field);
  const numericBound = ['below', 'above', 'atMost', 'atLeast', 'between'].some((k) => k in expect);
  if (value === undefined && numericBound && field.startsWith('status.')) return 0;
  return value;
}

// The whole read (every page of a list) within the probe's timeout: a silent API server gives a
// `timeout` sample then, not after the adapter's own 30 s.
export async function sampleKubernetes(
  spec: KubernetesProbeSpec,
  expect: ExpectSpec,
  kubernetes: KubernetesAdapter,
  request: RequestOptions = {},
): Promise<ProbeResult> {
  let objects: KubeObject[];
  try {
    const { apiVersion, kind, namespace } = spec;
    objects = spec.name
      ? [await kubernetes.getObject({ apiVersion, kind, namespace, name: spec.name }, request)]
      : await kubernetes.listObjects({ apiVersion, kind, namespace, labelSelector: spec.selector }, request);
  } catch (error) {
    if (error instanceof AdapterError) {
      const outcome =
        error.failure === 'unreachable' ? 'unreachable' : error.failure === 'timeout' ? 'timeout' : 'error';
      return { outcome, detail: error.message };
    }
    throw error;
  }
  const what = `${spec.kind}${spec.namespace ? ` ${spec.namespace}/` : ' '}${spec.name ?? spec.selector ?? ''}`;
  if (objects.length === 0) return { outcome: 'empty', detail: `no ${spec.kind} matches ${spec.selector}` };
  const judged = objects.map((object) => {
    const value = fieldValue(object, spec.field, expect);
    const check = checkTolerance(value, expect);
    return { label: object.metadata.name ?? '?', value, ok: check.ok, expected: check.expected };
  });
  const bad = judged.filter((j) => !j.ok);
  const first = judged[0];
  const plain = (v: unknown) =>
    typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
  return {
    outcome: bad.length === 0 ? 'ok' : 'out-of-tolerance',
    value: judged.length === 1 ? (plain(first?.value) ?? undefined) : undefined,
    values:
      judged.length > 1
        ? judged.map((j) => ({ label: j.label, value: plain(j.value), ok: j.ok }))
        : undefined,
    detail:
      bad.length === 0
        ? `${what} ${spec.field} = ${judged.map((j) => JSON.stringify(j.value)).join(', ')}`
        : `${what} ${spec.field} = ${bad.map((b) => `${judged.length > 1 ? `${b.label}: ` : ''}${JSON.stringify(b.value)}`).join(', ')}, expected ${first?.expected}`,
  };
}
