import type { Fault } from '../experiment/experiment.ts';
import { faultKinds, type ProbeSpec, type SafetySpec } from '../experiment/schema.ts';
import { describeFault } from '../faults/fault-drivers.ts';

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

export function findFaultSpec(experiment: unknown, name: string): Record<string, unknown> | undefined {
  return asArray(specOf(experiment).faults).find(
    (f): f is Record<string, unknown> => isRecord(f) && f.name === name,
  );
}

// What a fault does, in words, as its driver says it: "latency toxic on proxy catalog (latency
// 800, jitter 50)". A journal is read defensively: a fault this version does not know is named by
// its kind only.
export function describeFaultSpec(fault: Record<string, unknown> | undefined, kind: string): string {
  const spec = fault?.[kind];
  if (!fault || !isRecord(spec) || !(faultKinds as string[]).includes(kind)) return `${kind} fault`;
  try {
    return describeFault({ name: String(fault.name), kind, spec } as Fault);
  } catch {
    return `${kind} fault`;
  }
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
