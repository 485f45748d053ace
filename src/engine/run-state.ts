// The one state a run's phases share: the journal being written, the phase, why the run stops,
// the faults in place, what the run has hit so far, and the ways to record into the journal and
// reach the world.
import { parseDuration } from '../experiment/duration.ts';
import type { Fault } from '../experiment/experiment.ts';
import type { ProbeSpec } from '../experiment/schema.ts';
import type { FaultContext } from '../faults/fault-driver.ts';
import type { LoadRun } from '../load/start-load.ts';
import { probeKindOf } from '../probes/probe-kind.ts';
import type { RunLease } from '../registry/run-lease.ts';
import type { ProxyTarget } from '../registry/toxiproxy-claims.ts';
import type { Runtime } from '../runtime.ts';
import type { BlastRadius } from '../selection/safety.ts';
import { apiGateOf } from './api-gate.ts';
import type { EventType, Journal, JournalEvent, JournalFault, JournalSample, ProbeRole } from './journal.ts';
import type { RunRequest } from './run-request.ts';
import type { Phase, Verdict } from './verdict.ts';

export type Stop = { verdict: Verdict; reason: string };

/** Where the run announced itself: its Lease (with Kubernetes faults) and its claims on proxies. */
export type Presence = {
  lease: RunLease | undefined;
  claim: string;
  claimed: ProxyTarget[];
  /** Aborted when the run releases its presence: the renewals stop. */
  stop: AbortController;
};

/** A fault the run has begun to inject; `reverting` is set while its revert runs. */
export type InjectedFault = { fault: Fault; record: JournalFault; reverting?: Promise<void> };

export type RunState = {
  request: RunRequest;
  runtime: Runtime;
  journal: Journal;
  phase: Phase;
  /** The first reason the run stopped early (deviation, abort, error); the first one wins. */
  stop?: Stop;
  injected: Map<string, InjectedFault>;
  /** Every target the run has hit, round by round: the safety limits are checked on the sum. */
  hit: BlastRadius[];
  /** The load streams while they run (phase-load.ts). */
  load?: LoadRun;
  emit(type: EventType, message: string, extra?: Partial<JournalEvent>): void;
  /** Samples the probes at once and records them; a sample finished after `signal` aborted is dropped. */
  sample(probes: readonly ProbeSpec[], role: ProbeRole, signal?: AbortSignal): Promise<JournalSample[]>;
  faultContext: FaultContext;
  /** The run's Lease and claims, once announced (run-presence.ts). */
  presence?: Presence;
};

export function createRunState(request: RunRequest, runtime: Runtime): RunState {
  const { clock } = runtime;
  const deadline = deadlineOf(request, clock.now());
  const journal = createJournal(request, runtime, deadline);
  const state: RunState = {
    request,
    runtime,
    journal,
    phase: 'recover',
    injected: new Map(),
    hit: [],
    emit(type, message, extra = {}) {
      const event: JournalEvent = { at: clock.now(), phase: state.phase, type, message, ...extra };
      journal.events.push(event);
      request.onEvent?.(event, journal);
    },
    async sample(probes, role, signal) {
      const loadStream = (name: string) => state.load?.streams.find((stream) => stream.name === name);
      const context = { clock, kubernetes: runtime.kubernetes, signal, loadStream };
      const samples = await Promise.all(probes.map((probe) => runtime.sampleProbe(probe, context)));
      if (signal?.aborted) return [];
      return samples.map((sample) => {
        const recorded: JournalSample = { ...sample, phase: state.phase, role };
        journal.samples.push(recorded);
        request.onSample?.(recorded);
        return recorded;
      });
    },
    faultContext: {
      runId: request.runId,
      deadline,
      clock,
      toxiproxy: runtime.toxiproxy,
      kubernetes: runtime.kubernetes,
      random: runtime.random,
      safety: request.experiment.spec.safety,
      ...apiGateOf(request.experiment.spec.safety, clock),
    },
  };
  return state;
}

function createJournal(request: RunRequest, runtime: Runtime, deadline: number): Journal {
  const spec = request.experiment.spec;
  const durationMs = parseDuration(spec.duration);
  const probeEntries = (role: ProbeRole, probes: ProbeSpec[] | undefined) =>
    (probes ?? []).map((p) => ({ name: p.name, role, kind: probeKindOf(p), expect: p.expect }));
  return {
    journalVersion: 1,
    runId: request.runId,
    experimentFile: request.experimentFile,
    experiment: request.experimentSource,
    seed: request.seed,
    startedAt: runtime.clock.now(),
    deadline,
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
}

// The run's deadline: its planned end plus grace (the time to revert, and two minutes for the
// steady states and rollbacks). Toxiproxy marks carry it, so any runner can tell a mark whose run
// cannot be alive any more; the run itself stops before it (see phase-method.ts).
export const deadlineGraceMs = 120_000;

function deadlineOf(request: RunRequest, now: number): number {
  const { duration, recovery } = request.experiment.spec;
  const recoveryMs = recovery ? parseDuration(recovery) : 0;
  return now + parseDuration(duration) + recoveryMs + (request.revertTimeoutMs ?? 60_000) + deadlineGraceMs;
}

// The first reason wins: a deviation seen before an interrupt stays the verdict.
export function stopRun(state: RunState, stop: Stop): void {
  state.stop ??= stop;
}

export function abortReason(signal: AbortSignal): string {
  const reason = signal.reason;
  if (typeof reason === 'string') return reason;
  return reason instanceof Error ? reason.message : 'the run was interrupted';
}
