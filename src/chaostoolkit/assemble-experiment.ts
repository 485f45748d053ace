// The Faultline document from the mapped parts: metadata from the title, the method's length as
// spec.duration, faults with their start and duration, steps, the hypothesis with its `during`,
// rollbacks, and the variables the document uses. Each part is recorded in the source map.
import type { PathSegment } from '../experiment/diagnostic.ts';
import { formatDuration, tryParseDuration } from '../experiment/duration.ts';
import { apiVersion } from '../experiment/schema.ts';
import { nameFor } from './activities.ts';
import { asList, type Json } from './chaostoolkit-shape.ts';
import { literalText } from './chaostoolkit-template.ts';
import { type HypothesisPlan, mapDuring, type StrategyOptions, withCheckAfter } from './map-hypothesis.ts';
import type { MethodPlan, PlacedFault } from './map-method.ts';
import type { RollbackPlan } from './map-rollbacks.ts';
import type { ConvertContext } from './provider-fields.ts';
import type { SourceMap } from './source-map.ts';

type Parts = {
  experiment: Json;
  method: MethodPlan;
  probes: HypothesisPlan['probes'];
  rollbacks: RollbackPlan;
  strategy: string;
  options: StrategyOptions;
  context: ConvertContext;
  sourceMap: SourceMap;
};

// A method without pauses takes as long as its activities; Faultline needs a length: 10s, said so.
// A fault must start before the end, so the method lasts at least 1s past the last one.
function methodLength(method: MethodPlan, context: ConvertContext): number {
  const lastStart = Math.max(0, ...method.faults.map((fault) => fault.startMs));
  if (method.endMs === 0 && lastStart === 0) {
    context.reporter.note(
      ['spec', 'duration'],
      'the method has no pauses: Chaos Toolkit runs it as long as its activities take; Faultline needs a length, 10s here',
    );
    return 10_000;
  }
  if (lastStart + 1000 <= method.endMs) return method.endMs;
  context.reporter.note(
    ['spec', 'duration'],
    `the method's pauses end at ${formatDuration(method.endMs)}, when its last fault starts; Faultline runs it 1s longer so that the fault is in place`,
  );
  return lastStart + 1000;
}

// Chaos Toolkit's check after the method happens with the faults in place; Faultline takes it at the
// end of the method's pauses, and the method lasts until the slowest probe's deadline (Faultline's
// default 5s) has passed, plus 1s: a sample still running when the method ends does not count.
function checkAllowance(probes: HypothesisPlan['probes']): number {
  const deadlines = probes.map(({ probe }) => {
    const own =
      (probe.http as { timeout?: string } | undefined)?.timeout ??
      (probe.command as { timeout?: string } | undefined)?.timeout ??
      probe.timeout;
    return (typeof own === 'string' ? tryParseDuration(own) : undefined) ?? 5000;
  });
  return Math.max(0, ...deadlines) + 1000;
}

const leftBehind =
  'nothing in the Chaos Toolkit experiment undoes this fault, so Chaos Toolkit leaves it in place; Faultline reverts it when it ends';

function faultDocument(fault: PlacedFault, totalMs: number): Record<string, unknown> {
  const document: Record<string, unknown> = {
    name: fault.name,
    ...fault.body,
    start: formatDuration(fault.startMs),
  };
  if (!fault.lasting) return document;
  const limit =
    fault.maxSeconds === undefined ? totalMs : Math.min(totalMs, fault.startMs + fault.maxSeconds * 1000);
  const endMs = fault.endMs ?? limit;
  document.duration = formatDuration(Math.max(0, endMs - fault.startMs));
  return document;
}

export function assembleExperiment(parts: Parts): Record<string, unknown> {
  const { experiment, method, probes, rollbacks, context, sourceMap } = parts;
  const { reporter } = context;
  const pausesMs = methodLength(method, context);
  const totalMs = pausesMs + (withCheckAfter(parts.strategy) ? checkAllowance(probes) : 0);
  const record = (faultline: PathSegment[], source: PathSegment[]) => sourceMap.record(faultline, source);
  record(['metadata'], ['title']);
  record(['spec', 'duration'], ['method']);
  const spec: Record<string, unknown> = {};
  if (typeof experiment.description === 'string') {
    spec.description = literalText(experiment.description);
    record(['spec', 'description'], ['description']);
  }
  const tags = asList(experiment.tags).filter((tag): tag is string => typeof tag === 'string');
  if (tags.length > 0) {
    spec.tags = tags.map(literalText);
    record(['spec', 'tags'], ['tags']);
  }
  const variables = context.variables.declarations();
  for (const [name, origin] of variables.origins) {
    record(['spec', name in variables.secrets ? 'secrets' : 'configuration', name], origin);
  }
  if (Object.keys(variables.configuration).length > 0) spec.configuration = variables.configuration;
  if (Object.keys(variables.secrets).length > 0) spec.secrets = variables.secrets;
  spec.duration = formatDuration(totalMs);
  const { during, notes } = mapDuring(parts.strategy, parts.options, pausesMs, totalMs);
  for (const note of notes) reporter.note(note.path, note.text);
  spec.hypothesis = { probes: probes.map((entry) => entry.probe), during };
  probes.forEach((entry, index) => {
    record(['spec', 'hypothesis', 'probes', index], entry.path);
    record(['spec', 'hypothesis', 'probes', index, 'expect'], [...entry.path, 'tolerance']);
    for (const comment of entry.comments) reporter.note(['spec', 'hypothesis', 'probes', index], comment);
  });
  spec.faults = method.faults.map((fault, index) => {
    record(['spec', 'faults', index], fault.path);
    const forgotten =
      fault.lasting && !fault.body.command && fault.endMs === undefined && !fault.undoneByRollback;
    for (const comment of [...fault.comments, ...(forgotten ? [leftBehind] : [])])
      reporter.note(['spec', 'faults', index], comment);
    return faultDocument(fault, totalMs);
  });
  if (method.steps.length > 0) {
    spec.steps = method.steps.map((step, index) => {
      record(['spec', 'steps', index], step.path);
      for (const comment of step.comments) reporter.note(['spec', 'steps', index], comment);
      return { ...step.probe, at: formatDuration(Math.min(step.atMs, totalMs - 100)) };
    });
  }
  if (rollbacks.probes.length > 0) {
    spec.rollbacks = rollbacks.probes.map((entry, index) => {
      record(['spec', 'rollbacks', index], entry.path);
      for (const comment of entry.comments) reporter.note(['spec', 'rollbacks', index], comment);
      return entry.probe;
    });
  }
  for (const note of rollbacks.notes) reporter.note(note.path, note.text);
  const name = nameFor(
    { name: typeof experiment.title === 'string' ? experiment.title : '' },
    'imported-experiment',
    new Set(),
  );
  return { apiVersion, kind: 'Experiment', metadata: { name }, spec };
}
