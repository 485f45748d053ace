import type { Journal, JournalSample } from '../engine/journal.ts';
import type { Phase } from '../engine/verdict.ts';
import { findProbeSpec } from './experiment-parts.ts';
import { describeExpect, headroom, type ValueAxis, valueAxisOf } from './probe-tolerance.ts';

// A stretch of consecutive samples of one probe outside its tolerance.
export type ProbeWindow = {
  probe: string;
  phase: Phase;
  from: number;
  to: number;
  /** The first sample back within tolerance, if there was one, and the phase it was taken in. */
  recoveredAt?: number;
  recoveredIn?: Phase;
  samples: JournalSample[];
  /** The sample furthest from the tolerance (the largest excess, or the first without a value). */
  worst: JournalSample;
  /** Counts as a deviation: failAfter in a row during the method or any after it (abort and rollback
   * probes: any failure). Steady-state-before failures stop the run instead (not-started). */
  deviated: boolean;
  /** Faults in place when the window opened. */
  faults: string[];
};

export type ProbeAnalysis = {
  name: string;
  role: JournalSample['role'];
  kind: string;
  expected: string;
  axis: ValueAxis;
  samples: JournalSample[];
  failed: number;
  /** Samples that could not judge the system: the probe itself failed (error, empty). */
  unjudged: JournalSample[];
  windows: ProbeWindow[];
  deviated: boolean;
  /** Samples taken while at least one fault was in place. */
  duringFaults: JournalSample[];
  /** The in-tolerance sample during a fault closest to a bound, when within 10% of it. */
  closestCall?: { sample: JournalSample; headroom: number };
};

export type ActiveSpan = { fault: string; from: number; to: number };

const nearMissHeadroom = 0.1;

export const numericValue = (sample: JournalSample): number | undefined =>
  typeof sample.value === 'number' && Number.isFinite(sample.value) ? sample.value : undefined;

// When each fault action was in place: from injection to revert (or the run's end if never
// reverted). A killed pod is a disruption until its owner is Ready again, when that was observed.
export function activeSpans(journal: Journal, end: number): ActiveSpan[] {
  return journal.faults.flatMap((fault) =>
    fault.actions
      .filter((a) => a.injectedAt !== undefined)
      .map((a) => {
        const from = a.injectedAt as number;
        if (a.undo.kind === 'pod-deleted' && a.effect?.outcome === 'ready' && a.effect.afterMs !== undefined)
          return { fault: fault.name, from, to: from + a.effect.afterMs };
        const reverted = a.revert && a.revert !== 'failed' && a.revertedAt !== undefined;
        return { fault: fault.name, from, to: reverted ? (a.revertedAt as number) : end };
      }),
  );
}

export const faultsActiveAt = (spans: ActiveSpan[], at: number): string[] => [
  ...new Set(spans.filter((s) => s.from <= at && at <= s.to).map((s) => s.fault)),
];

// The sample furthest outside the tolerance (a sample without a value counts as the worst).
export function worstOf(samples: JournalSample[], axis: ValueAxis): JournalSample {
  const first = samples[0] as JournalSample;
  const withoutValue = samples.find((s) => numericValue(s) === undefined);
  if (withoutValue) return withoutValue;
  const distance = (s: JournalSample) => -(headroomOrExcess(numericValue(s) as number, axis) ?? 0);
  return samples.reduce((worst, s) => (distance(s) > distance(worst) ? s : worst), first);
}

// Signed distance to the nearest bound as a fraction of it: negative when outside.
function headroomOrExcess(value: number, axis: ValueAxis): number | undefined {
  const inside = headroom(value, axis);
  if (inside !== undefined) return inside;
  const tolerance = axis.tolerance;
  if (!tolerance) return undefined;
  const bounds = [
    tolerance.below,
    tolerance.atMost,
    tolerance.above,
    tolerance.atLeast,
    ...(tolerance.between ?? []),
  ]
    .filter((b): b is number => typeof b === 'number' && b !== 0)
    .map((b) => -Math.abs(value - b) / Math.abs(b));
  return bounds.length > 0 ? Math.min(...bounds) : undefined;
}

function findWindows(
  samples: JournalSample[],
  failAfter: number,
  spans: ActiveSpan[],
  axis: ValueAxis,
): ProbeWindow[] {
  const windows: ProbeWindow[] = [];
  let open: JournalSample[] = [];
  const close = (next: JournalSample | undefined) => {
    const first = open[0];
    const last = open[open.length - 1];
    if (!first || !last) return;
    const deviated =
      first.role !== 'hypothesis' ||
      (first.phase === 'method' ? open.length >= failAfter : first.phase === 'steady-state-after');
    windows.push({
      probe: first.probe,
      phase: first.phase,
      from: first.at,
      to: last.at,
      recoveredAt: next?.at,
      recoveredIn: next?.phase,
      samples: open,
      worst: worstOf(open, axis),
      deviated,
      faults: faultsActiveAt(spans, first.at),
    });
    open = [];
  };
  for (const sample of samples) {
    const continues = open.length > 0 && open[0]?.phase === sample.phase;
    if (sample.outcome === 'ok') {
      close(sample);
      continue;
    }
    if (!continues) close(undefined);
    open.push(sample);
  }
  close(undefined);
  return windows;
}

// Every probe of the journal, with its samples in time order and where it left its tolerance.
export function analyzeProbes(journal: Journal, spans: ActiveSpan[]): ProbeAnalysis[] {
  const byProbe = new Map<string, JournalSample[]>();
  for (const sample of journal.samples) {
    const key = `${sample.role}\u0000${sample.probe}`;
    const list = byProbe.get(key) ?? [];
    list.push(sample);
    byProbe.set(key, list);
  }
  return journal.probes.map((probe) => {
    const samples = (byProbe.get(`${probe.role}\u0000${probe.name}`) ?? []).sort((a, b) => a.at - b.at);
    const axis = valueAxisOf(probe.kind, probe.expect, findProbeSpec(journal.experiment, probe.name));
    const windows = findWindows(samples, journal.settings.failAfter, spans, axis);
    const duringFaults = samples.filter(
      (s) => s.phase === 'method' && faultsActiveAt(spans, s.at).length > 0,
    );
    let closestCall: ProbeAnalysis['closestCall'];
    for (const sample of duringFaults) {
      const value = numericValue(sample);
      if (sample.outcome !== 'ok' || value === undefined) continue;
      const room = headroom(value, axis);
      if (room === undefined || room > nearMissHeadroom) continue;
      if (!closestCall || room < closestCall.headroom) closestCall = { sample, headroom: room };
    }
    return {
      name: probe.name,
      role: probe.role,
      kind: probe.kind,
      expected: describeExpect(probe.expect),
      axis,
      samples,
      failed: samples.filter((s) => s.outcome !== 'ok').length,
      unjudged: samples.filter((s) => s.outcome === 'error' || s.outcome === 'empty'),
      windows,
      deviated: windows.some((w) => w.deviated),
      duringFaults,
      closestCall,
    };
  });
}

export type ProbeResult = { text: string; tone: 'good' | 'bad' | 'warn' | 'info' };

// The outcome of one probe over the run, in a few words.
export function probeResult(probe: ProbeAnalysis): ProbeResult {
  if (probe.samples.length === 0) return { text: 'not sampled', tone: 'info' };
  if (probe.role === 'abort')
    return probe.failed > 0 ? { text: 'tripped', tone: 'bad' } : { text: 'never tripped', tone: 'good' };
  if (probe.role === 'rollback' || probe.role === 'step')
    return probe.failed > 0 ? { text: 'failed', tone: 'bad' } : { text: 'succeeded', tone: 'good' };
  if (probe.windows.some((w) => w.phase === 'steady-state-before'))
    return { text: 'not met before the faults', tone: 'bad' };
  if (probe.deviated) return { text: 'deviated', tone: 'bad' };
  if (probe.failed > 0) return { text: 'held, with excursions', tone: 'warn' };
  return { text: 'held', tone: 'good' };
}
