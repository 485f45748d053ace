// The library's written-out types (src/library/experiment-types.ts, public-types.ts) against the
// types the schemas and the engine really have: `npm run typecheck` fails here when one drifts
// from the other (a field added to the schema and not to the library's types, say).
import type { Static } from '@sinclair/typebox';
import test from 'ava';
import type { Journal as EngineJournal } from '../../../src/engine/journal.ts';
import type { ExperimentPlan } from '../../../src/engine/plan-experiment.ts';
import type { Phase as EnginePhase, Verdict as EngineVerdict } from '../../../src/engine/verdict.ts';
import type { Diagnostic as EngineDiagnostic } from '../../../src/experiment/diagnostic.ts';
import type { FaultDocument, FaultSpecs as SchemaFaultSpecs } from '../../../src/experiment/fault-schema.ts';
import type {
  Hypothesis as HypothesisSchema,
  ProbeSpec,
  SafetySpec,
  ExperimentDocument as SchemaDocument,
  StepSpec,
} from '../../../src/experiment/schema.ts';
import type {
  ExperimentDocument,
  ExperimentSpec,
  Fault,
  FaultSpecs,
  Probe,
  Safety,
  Step,
} from '../../../src/library/experiment-types.ts';
import type { Diagnostic, Journal, Phase, PlanResult, Verdict } from '../../../src/library/public-types.ts';

// Intersections flattened, so two spellings of one object type compare equal.
type Flat<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { [K in keyof T]: Flat<T[K]> }
    : T;
// Exactly the same type: every field, optional or not, with the same type.
type Same<A, B> =
  (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
// Every value of A is a B, and both have the same fields (for the engine's records, whose inner
// details the library types more loosely).
type Covers<Public, Engine> = [Engine] extends [Public]
  ? [keyof Public] extends [keyof Engine]
    ? [keyof Engine] extends [keyof Public]
      ? true
      : false
    : false
  : false;

const checks = {
  document: true satisfies Same<ExperimentDocument, SchemaDocument>,
  spec: true satisfies Same<ExperimentSpec, SchemaDocument['spec']>,
  hypothesis: true satisfies Same<ExperimentSpec['hypothesis'], Static<typeof HypothesisSchema>>,
  probe: true satisfies Same<Probe, ProbeSpec>,
  step: true satisfies Same<Step, StepSpec>,
  safety: true satisfies Same<Safety, SafetySpec>,
  fault: true satisfies Same<Fault, FaultDocument>,
  faultSpecs: true satisfies Same<FaultSpecs, SchemaFaultSpecs>,
  diagnostic: true satisfies Same<Diagnostic, EngineDiagnostic>,
  verdict: true satisfies Same<Verdict, EngineVerdict>,
  phase: true satisfies Same<Phase, EnginePhase>,
  journal: true satisfies Covers<Journal, EngineJournal>,
  journalFault: true satisfies Covers<Journal['faults'][number], EngineJournal['faults'][number]>,
  journalAction: true satisfies Covers<
    Journal['faults'][number]['actions'][number],
    EngineJournal['faults'][number]['actions'][number]
  >,
  journalSample: true satisfies Covers<Journal['samples'][number], EngineJournal['samples'][number]>,
  planViolation: true satisfies Covers<
    PlanResult['violations'][number],
    ExperimentPlan['violations'][number]
  >,
  planDryRun: true satisfies Covers<PlanResult['dryRun'][number], ExperimentPlan['dryRun'][number]>,
  planRadius: true satisfies Covers<
    PlanResult['faults'][number]['radius'],
    ExperimentPlan['faults'][number]['radius']
  >,
};

test('the library types are the schema and engine types, checked by the type checker', (t) => {
  t.true(Object.values(checks).every(Boolean), 'npm run typecheck compares them; this only counts them');
  t.is(Object.keys(checks).length, 18);
});
