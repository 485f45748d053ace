import type { FaultSpec, ProbeSpec, SafetySpec } from '../experiment/schema.ts';

// The journal keeps the experiment as written (`unknown`: it may come from an older file or a
// hand-edited journal), so reports read the parts they need defensively.

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export type ExperimentSummary = {
  name: string;
  description?: string;
  labels: [string, string][];
  tags: string[];
  safety?: SafetySpec;
};

function specOf(experiment: unknown): Record<string, unknown> {
  return isRecord(experiment) && isRecord(experiment.spec) ? experiment.spec : {};
}

export function summarizeExperiment(experiment: unknown, fallbackName: string): ExperimentSummary {
  const metadata = isRecord(experiment) && isRecord(experiment.metadata) ? experiment.metadata : {};
  const spec = specOf(experiment);
  return {
    name: typeof metadata.name === 'string' ? metadata.name : fallbackName,
    description: typeof spec.description === 'string' ? spec.description : undefined,
    labels: isRecord(metadata.labels) ? Object.entries(metadata.labels).map(([k, v]) => [k, String(v)]) : [],
    tags: asArray(spec.tags).map(String),
    safety: isRecord(spec.safety) ? (spec.safety as SafetySpec) : undefined,
  };
}

export function findProbeSpec(experiment: unknown, name: string): ProbeSpec | undefined {
  const spec = specOf(experiment);
  const hypothesis = isRecord(spec.hypothesis) ? spec.hypothesis : {};
  const all = [
    ...asArray(hypothesis.probes),
    ...asArray(spec.abortWhen),
    ...asArray(spec.rollbacks),
    ...asArray(spec.steps),
  ];
  return all.find((p): p is ProbeSpec => isRecord(p) && p.name === name);
}

export function findFaultSpec(experiment: unknown, name: string): FaultSpec | undefined {
  return asArray(specOf(experiment).faults).find((f): f is FaultSpec => isRecord(f) && f.name === name);
}

const howMany = (spec: { count?: number; percent?: number }, noun: string) =>
  spec.count !== undefined
    ? `${spec.count} ${noun}${spec.count === 1 ? '' : 's'}`
    : spec.percent !== undefined
      ? `${spec.percent}% of the ${noun}s`
      : `1 ${noun}`;

// What a fault does, in words: "latency toxic on proxy catalog (latency 800, jitter 50)".
export function describeFaultSpec(fault: FaultSpec | undefined, kind: string): string {
  if (!fault) return `${kind} fault`;
  if (fault.toxiproxy) {
    const t = fault.toxiproxy;
    const attributes = Object.entries(t.attributes ?? {}).map(([k, v]) => `${k} ${v}`);
    if (t.stream) attributes.push(`${t.stream}`);
    if (t.toxicity !== undefined && t.toxicity < 1) attributes.push(`toxicity ${t.toxicity}`);
    return `${t.toxic} toxic on proxy ${t.proxy}${attributes.length ? ` (${attributes.join(', ')})` : ''}`;
  }
  if (fault.partition) return `partition of proxy ${fault.partition.proxy} (all its connections cut)`;
  if (fault.podKill) {
    const p = fault.podKill;
    return `pod kill of ${howMany(p, 'pod')} matching ${p.selector} in ${p.namespace}${p.every ? `, every ${p.every}` : ''}`;
  }
  if (fault.nodeDrain) {
    return `drain of ${howMany(fault.nodeDrain, 'node')} matching ${fault.nodeDrain.selector}`;
  }
  if (fault.nodeCordon) {
    return `cordon of ${howMany(fault.nodeCordon, 'node')} matching ${fault.nodeCordon.selector}`;
  }
  return `${kind} fault`;
}

// The safety limits of the experiment, in words; empty when it set none.
export function describeSafety(safety: SafetySpec | undefined): string[] {
  if (!safety) return [];
  const parts: string[] = [];
  if (safety.namespaces?.length) parts.push(`namespaces limited to ${safety.namespaces.join(', ')}`);
  if (safety.optInLabel) parts.push(`only targets labelled ${safety.optInLabel}`);
  if (safety.maxPodsPercent !== undefined) parts.push(`at most ${safety.maxPodsPercent}% of pods`);
  if (safety.maxPods !== undefined) parts.push(`at most ${safety.maxPods} pods`);
  if (safety.maxNodes !== undefined) parts.push(`at most ${safety.maxNodes} nodes`);
  return parts;
}
