import type { EventType, Journal } from '../engine/journal.ts';
import type { Phase } from '../engine/verdict.ts';
import type { ProbeAnalysis } from './analyze-probes.ts';
import { formatDuration, formatNumber } from './format-time.ts';

export type TimelineTone = 'info' | 'good' | 'bad' | 'warn';

export type TimelineEntry = { at: number; phase: Phase; what: string; text: string; tone: TimelineTone };

/** `omitted` entries of a long run are left out between entries[gapAt - 1] and entries[gapAt]. */
export type Timeline = { entries: TimelineEntry[]; omitted: number; gapAt: number };

const maxEntries = 200;

// Every event type has its tone: a new type does not compile until it is given one. The verdict's
// tone is the verdict's own (see below).
const toneOf: Record<EventType, TimelineTone> = {
  phase: 'info',
  recovered: 'good',
  'recover-failed': 'bad',
  'recover-scan-failed': 'warn',
  'ledger-problem': 'warn',
  'safety-violation': 'bad',
  'steady-state-met': 'good',
  'probe-failed': 'bad',
  'abort-condition': 'bad',
  step: 'info',
  injected: 'warn',
  'inject-failed': 'bad',
  'owner-ready': 'good',
  'owner-not-ready': 'warn',
  'not-measured': 'info',
  drained: 'info',
  'drain-blocked': 'bad',
  'drain-failed': 'bad',
  'drain-stopped': 'warn',
  'rolled-out': 'good',
  reverting: 'info',
  'revert-retry': 'warn',
  reverted: 'good',
  'revert-failed': 'bad',
  'ledger-close-failed': 'warn',
  'rollback-succeeded': 'good',
  'rollback-failed': 'bad',
  'load-started': 'info',
  'load-stopped': 'info',
  'load-shortfall': 'warn',
  'inject-shortfall': 'warn',
  'load-deviated': 'bad',
  verdict: 'info',
};

// What happened, in time order: the journal's events, except that the method's per-sample failures
// are folded into one line where a probe left its tolerance and one where it came back.
export function deriveTimeline(journal: Journal, probes: ProbeAnalysis[]): Timeline {
  const entries: TimelineEntry[] = [];
  for (const event of journal.events) {
    if (event.type === 'probe-failed' && event.phase === 'method') continue;
    const tone =
      event.type === 'verdict'
        ? journal.verdict === 'held'
          ? 'good'
          : 'bad'
        : (toneOf[event.type] ?? 'info'); // a journal from a newer version may hold others
    entries.push({ at: event.at, phase: event.phase, what: event.type, text: event.message, tone });
  }
  for (const probe of probes) {
    for (const window of probe.windows) {
      if (window.phase !== 'method') continue;
      const count = window.samples.length;
      const worst = window.worst;
      const worstText =
        typeof worst.value === 'number'
          ? `${formatNumber(worst.value)}${probe.axis.unit ? ` ${probe.axis.unit}` : ''}`
          : worst.outcome;
      entries.push({
        at: window.from,
        phase: window.phase,
        what: window.deviated ? 'deviation' : 'out-of-tolerance',
        text: `${probe.name} left its tolerance (${window.samples[0]?.detail ?? worst.detail}); ${count} sample${count === 1 ? '' : 's'} out, worst ${worstText}`,
        tone: window.deviated ? 'bad' : 'warn',
      });
      if (window.recoveredAt !== undefined) {
        entries.push({
          at: window.recoveredAt,
          phase: window.recoveredIn ?? window.phase,
          what: 'back-in-tolerance',
          text: `${probe.name} back within tolerance after ${formatDuration(window.recoveredAt - window.from)}`,
          tone: 'good',
        });
      }
    }
  }
  entries.sort((a, b) => a.at - b.at);
  if (entries.length <= maxEntries) return { entries, omitted: 0, gapAt: entries.length };
  // Keep the start and the end of a long run: the end holds the reverts and the verdict.
  const head = entries.slice(0, maxEntries - 50);
  const tail = entries.slice(entries.length - 50);
  return {
    entries: [...head, ...tail],
    omitted: entries.length - head.length - tail.length,
    gapAt: head.length,
  };
}
