import { parseDuration } from '../experiment/duration.ts';
import type { ProbeSpec } from '../experiment/schema.ts';
import type { FaultContext } from '../faults/fault-context.ts';
import { probeKindOf } from '../probes/probe-kind.ts';
import type { Runtime } from '../runtime.ts';
import type { Journal, JournalEvent, JournalSample, ProbeRole } from './journal.ts';
import type { RunRequest } from './run-experiment.ts';
import type { Phase } from './verdict.ts';

// What every part of a run shares: the journal being written, the current phase, and the ways to
// record into it (events, samples) and to reach the world (the fault context).
export type RunContext = {
  journal: Journal;
  phase: Phase;
  emit(type: string, message: string, extra?: Partial<JournalEvent>): void;
  sampleAll(probes: ProbeSpec[], role: ProbeRole): Promise<JournalSample[]>;
  faultContext: FaultContext;
};

export function createRunContext(request: RunRequest, runtime: Runtime): RunContext {
  const { experiment, runId } = request;
  const { clock } = runtime;
  const spec = experiment.spec;
  const durationMs = parseDuration(spec.duration);
  const probeEntries = (role: ProbeRole, probes: ProbeSpec[] | undefined) =>
    (probes ?? []).map((p) => ({ name: p.name, role, kind: probeKindOf(p), expect: p.expect }));
  const journal: Journal = {
    journalVersion: 1,
    runId,
    experimentFile: request.experimentFile,
    experiment: request.experimentSource,
    seed: request.seed,
    startedAt: clock.now(),
    settings: {
      durationMs,
      everyMs: spec.hypothesis.during
        ? parseDuration(spec.hypothesis.during.every)
        : Math.max(1_000, durationMs / 10),
      failAfter: spec.hypothesis.during?.failAfter ?? 1,
      recoveryMs: spec.recovery ? parseDuration(spec.recovery) : 0,
      revertTimeoutMs: request.revertTimeoutMs ?? 60_000,
    },
    probes: [
      ...probeEntries('hypothesis', spec.hypothesis.probes),
      ...probeEntries('abort', spec.abortWhen),
      ...probeEntries('rollback', spec.rollbacks),
      ...(spec.steps ?? []).map((step) => ({
        name: step.name,
        role: 'step' as const,
        kind: probeKindOf(step),
        expect: step.expect,
        atMs: parseDuration(step.at),
      })),
    ],
    faults: [],
    events: [],
    samples: [],
    ledger: { file: runtime.ledger.file, leftBehind: [] },
  };
  const probeContext = { clock, kubernetes: runtime.kubernetes, signal: request.signal };
  const context: RunContext = {
    journal,
    phase: 'recover',
    emit(type, message, extra = {}) {
      const event: JournalEvent = { at: clock.now(), phase: context.phase, type, message, ...extra };
      journal.events.push(event);
      request.onEvent?.(event, journal);
    },
    async sampleAll(probes, role) {
      const samples = await Promise.all(probes.map((p) => runtime.sampleProbe(p, probeContext)));
      return samples.map((s) => {
        const recorded: JournalSample = { ...s, phase: context.phase, role };
        journal.samples.push(recorded);
        request.onSample?.(recorded);
        return recorded;
      });
    },
    faultContext: {
      runId,
      clock,
      toxiproxy: runtime.toxiproxy,
      kubernetes: runtime.kubernetes,
      random: runtime.random,
      signal: request.signal,
      seed: request.seed,
      safety: spec.safety,
    },
  };
  return context;
}
