// The experiment as the rest of Faultline sees it: the document as written, with each fault
// normalised from `{ name, podKill: {...} }` to `{ name, kind: 'podKill', spec: {...} }`, so code
// that handles a fault switches on `kind` and never looks for the key that is set.
import {
  type ExperimentDocument,
  type FaultDocument,
  type FaultKind,
  type FaultSpecs,
  faultKinds,
} from './schema.ts';

export type FaultOf<K extends FaultKind> = {
  [P in K]: { name: string; kind: P; spec: FaultSpecs[P]; start?: string; duration?: string };
}[K];

export type Fault = FaultOf<FaultKind>;

export type ExperimentSpec = Omit<ExperimentDocument['spec'], 'faults'> & { faults: Fault[] };

export type Experiment = Omit<ExperimentDocument, 'spec'> & { spec: ExperimentSpec };

// Only for a document the schema accepted: exactly one kind key per fault.
export function normalizeFault(fault: FaultDocument): Fault {
  const kind = faultKinds.find((key) => fault[key] !== undefined);
  if (!kind) throw new Error(`fault ${fault.name} has no kind (the schema should have refused it)`);
  const timing = {
    ...(fault.start === undefined ? {} : { start: fault.start }),
    ...(fault.duration === undefined ? {} : { duration: fault.duration }),
  };
  return { name: fault.name, kind, spec: fault[kind], ...timing } as Fault;
}

export function normalizeExperiment(document: ExperimentDocument): Experiment {
  return { ...document, spec: { ...document.spec, faults: document.spec.faults.map(normalizeFault) } };
}

// Back to the form a user writes (for `faultline import` and the library's defineExperiment).
export function faultDocumentOf(fault: Fault): FaultDocument {
  const { kind, spec, ...rest } = fault;
  return { ...rest, [kind]: spec } as FaultDocument;
}
