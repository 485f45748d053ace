// Synthetic journals for the reporting tests: the shape run-experiment writes, on a virtual timeline.
import { readFileSync } from 'node:fs';
import type {
  EventType,
  Journal,
  JournalEvent,
  JournalFault,
  JournalSample,
} from '../../../src/engine/journal.ts';
import type { Phase, Verdict } from '../../../src/engine/verdict.ts';
import type { ActionEffect } from '../../../src/faults/fault-driver.ts';
import type { UndoRecord } from '../../../src/faults/undo-record.ts';
import type { SampleOutcome } from '../../../src/hypothesis/sample.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

export const loadFixture = (name: string): Journal =>
  JSON.parse(readFileSync(`${projectRoot}test/fixtures/journals/${name}.json`, 'utf8')) as Journal;

export type ProbePlan = {
  name: string;
  role?: JournalSample['role'];
  kind?: string;
  expect?: Record<string, unknown>;
  /** The sample at `elapsedMs` since the method started (negative: before it, Infinity: after it). */
  sample?: (elapsedMs: number, phase: Phase) => { outcome?: SampleOutcome; value?: number; detail?: string };
  /** A method step: sampled once, at this offset from the start of the method. */
  atMs?: number;
};

export type FaultPlan = {
  name: string;
  startMs: number;
  endMs?: number;
  targets?: string[];
  revert?: 'reverted' | 'already-gone' | 'failed';
  attempts?: number;
  error?: string;
  /** Not injected at all (e.g. the run stopped first). */
  skipped?: boolean;
  /** What became of each target (a drain, a killed pod's owner). */
  effect?: ActionEffect;
  undo?: UndoRecord;
  owner?: string;
};

export type JournalPlan = {
  verdict: Verdict;
  reason?: string;
  durationMs?: number;
  everyMs?: number;
  failAfter?: number;
  recoveryMs?: number;
  probes: ProbePlan[];
  faults?: FaultPlan[];
  /** Stop the method at this offset (a deviation or an abort). */
  stopAtMs?: number;
  notStarted?: boolean;
  extraEvents?: {
    atMs: number;
    type: EventType;
    message: string;
    phase?: Phase;
    probe?: string;
    fault?: string;
  }[];
  experiment?: Record<string, unknown>;
};

export const start = Date.UTC(2026, 10, 22, 6, 0, 0);

export function buildJournal(plan: JournalPlan): Journal {
  const durationMs = plan.durationMs ?? 30_000;
  const everyMs = plan.everyMs ?? 1_000;
  const failAfter = plan.failAfter ?? 2;
  const recoveryMs = plan.recoveryMs ?? 2_000;
  const method = start + 100;
  const events: JournalEvent[] = [];
  const samples: JournalSample[] = [];
  const event = (
    at: number,
    phase: Phase,
    type: EventType,
    message: string,
    extra: Partial<JournalEvent> = {},
  ) => events.push({ at, phase, type, message, ...extra });
  const sampleAll = (
    at: number,
    phase: Phase,
    elapsedMs: number,
    role: JournalSample['role'] = 'hypothesis',
  ) => {
    for (const probe of plan.probes.filter((p) => (p.role ?? 'hypothesis') === role)) {
      const s = probe.sample?.(elapsedMs, phase) ?? {};
      const outcome = s.outcome ?? 'ok';
      samples.push({
        probe: probe.name,
        at,
        outcome,
        value: s.value,
        detail: s.detail ?? `${outcome} ${s.value ?? ''}`,
        durationMs: 5,
        attempts: 1,
        phase,
        role,
      });
      if (outcome !== 'ok' && phase !== 'method')
        event(at, phase, 'probe-failed', `${probe.name}: ${outcome}`, { probe: probe.name });
    }
  };
  event(start, 'recover', 'phase', 'recovering faults left by earlier runs');
  event(start + 1, 'steady-state-before', 'phase', 'checking the steady-state hypothesis');
  sampleAll(start + 2, 'steady-state-before', -98);
  const faults: JournalFault[] = [];
  let end = start + 50;
  let methodEnd: number | undefined;
  if (!plan.notStarted) {
    event(method, 'method', 'phase', 'method started');
    const stopAt = plan.stopAtMs ?? durationMs;
    for (const f of plan.faults ?? []) {
      const fault: JournalFault = {
        name: f.name,
        kind: 'toxiproxy',
        startMs: f.startMs,
        endMs: f.endMs,
        actions: [],
      };
      faults.push(fault);
      if (f.skipped || f.startMs > stopAt) continue;
      for (const [i, target] of (f.targets ?? [`${f.name}-target`]).entries()) {
        const injectedAt = method + f.startMs;
        const revertedAt = method + Math.min(f.endMs ?? stopAt, stopAt) + 3;
        fault.actions.push({
          target,
          undo: f.undo ?? {
            kind: 'toxic',
            url: 'http://toxiproxy.test',
            proxy: 'catalog',
            toxic: `${f.name}-${i}`,
          },
          effect: f.effect,
          owner: f.owner,
          ledgerEntry: `run/${f.name}/${i}`,
          injectedAt,
          revertedAt,
          revert: f.revert ?? 'reverted',
          revertAttempts: f.attempts ?? 1,
          error: f.revert === 'failed' ? (f.error ?? 'connection refused') : undefined,
        });
        event(injectedAt, 'method', 'injected', `${f.name}: ${target}`, { fault: f.name });
        for (let attempt = 1; attempt < (f.attempts ?? 1); attempt++)
          event(revertedAt - 2, 'revert', 'revert-retry', `${f.name}: attempt ${attempt} failed (busy)`, {
            fault: f.name,
          });
        event(
          revertedAt,
          'revert',
          f.revert === 'failed' ? 'revert-failed' : 'reverted',
          `${f.name}: ${target}`,
          {
            fault: f.name,
          },
        );
      }
    }
    for (let elapsed = everyMs; elapsed <= stopAt; elapsed += everyMs) {
      sampleAll(method + elapsed, 'method', elapsed);
      sampleAll(method + elapsed, 'method', elapsed, 'abort');
    }
    for (const step of plan.probes.filter(
      (p) => p.role === 'step' && p.atMs !== undefined && p.atMs <= stopAt,
    )) {
      const s = step.sample?.(step.atMs as number, 'method') ?? {};
      const outcome = s.outcome ?? 'ok';
      const at = method + (step.atMs as number);
      samples.push({
        probe: step.name,
        at,
        outcome,
        value: s.value,
        detail: s.detail ?? outcome,
        durationMs: 5,
        attempts: 1,
        phase: 'method',
        role: 'step',
      });
      event(at, 'method', 'step', `${step.name}: ${outcome}: ${s.detail ?? ''}`, { probe: step.name });
    }
    methodEnd = method + stopAt;
    end = methodEnd + recoveryMs + 10;
    if (plan.verdict !== 'aborted' && plan.verdict !== 'error') {
      event(
        methodEnd + recoveryMs,
        'steady-state-after',
        'phase',
        'checking the steady-state hypothesis after',
      );
      sampleAll(methodEnd + recoveryMs + 1, 'steady-state-after', Number.POSITIVE_INFINITY);
    } else end = methodEnd + 20;
  }
  for (const e of plan.extraEvents ?? [])
    event(method + e.atMs, e.phase ?? 'method', e.type, e.message, { probe: e.probe, fault: e.fault });
  events.sort((a, b) => a.at - b.at);
  event(end, 'done', 'verdict', `${plan.verdict}: ${plan.reason ?? ''}`);
  const firstFailed = samples.find(
    (s) => s.phase === 'method' && s.role === 'hypothesis' && s.outcome !== 'ok',
  );
  const leftBehind = faults.flatMap((f) =>
    f.actions
      .filter((a) => a.revert === 'failed')
      .map((a) => ({
        entry: a.ledgerEntry,
        description: `toxic ${f.name} on proxy catalog`,
        error: a.error ?? '',
      })),
  );
  return {
    journalVersion: 1,
    runId: '20261122T060000Z-test',
    experimentFile: '/experiments/unit.yaml',
    experiment: plan.experiment ?? {
      metadata: { name: 'unit-experiment' },
      spec: { description: 'A unit test.' },
    },
    seed: 42,
    startedAt: start,
    endedAt: end,
    methodStartedAt: plan.notStarted ? undefined : method,
    methodEndedAt: methodEnd,
    verdict: plan.verdict,
    reason: plan.reason ?? plan.verdict,
    settings: { durationMs, everyMs, failAfter, recoveryMs, revertTimeoutMs: 60_000 },
    probes: plan.probes.map((p) => ({
      name: p.name,
      role: p.role ?? 'hypothesis',
      kind: p.kind ?? 'prometheus',
      expect: p.expect ?? { below: 500 },
    })),
    faults,
    events,
    samples,
    firstDeviation: firstFailed
      ? { probe: firstFailed.probe, at: firstFailed.at, detail: firstFailed.detail }
      : undefined,
    ledger: { file: '/state/ledger.jsonl', leftBehind },
  };
}

// A latency probe that reads `value` ms and fails above 500.
export const latency = (name: string, value: (elapsedMs: number) => number): ProbePlan => ({
  name,
  sample: (elapsed) => {
    const v = value(elapsed);
    return {
      value: v,
      outcome: v < 500 ? 'ok' : 'out-of-tolerance',
      detail: `value ${v}, expected below 500`,
    };
  },
});
