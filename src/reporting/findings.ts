import type { Journal } from '../engine/journal.ts';
import type { JournalLoadStream } from '../engine/journal-load.ts';
import type { Verdict } from '../engine/verdict.ts';
import type { ActionEffect } from '../faults/fault-driver.ts';
import type { ActiveSpan, ProbeAnalysis } from './analyze-probes.ts';
import type { Timeline } from './derive-timeline.ts';
import type { ExperimentSummary } from './experiment-parts.ts';

// What a report is made of: derived once from a journal (deriveFindings and the derive-* files),
// laid out by report-sections and the renderers.

// What went well, what went wrong, where the system got lucky, and what to look at next.
export type Lessons = { wentWell: string[]; wentWrong: string[]; lucky: string[]; followUps: string[] };

// One injected (or prepared) fault action: what, where, when, and how its revert went.
export type ActionRow = {
  fault: string;
  kind: string;
  description: string;
  target: string;
  undo: string;
  undoKind: string;
  ledgerEntry: string;
  /** The round of a repeating fault, from 0. */
  round?: number;
  /** podKill: the killed pod's top controller. */
  owner?: string;
  /** What became of the target: its owner Ready again, how a drain went. */
  effect?: ActionEffect;
  plannedFrom?: number;
  plannedTo?: number;
  injectedAt?: number;
  revertedAt?: number;
  revert?: 'reverted' | 'already-gone' | 'failed';
  attempts?: number;
  error?: string;
  /** The errors of the attempts that were retried (from revert-retry events). */
  retries: string[];
};

export type Detection = {
  firstInjectedAt?: number;
  firstOutOfTolerance?: { probe: string; at: number; detail: string };
  /** When a hypothesis probe had failed `failAfter` times in a row, or failed after the faults. */
  deviationDeclaredAt?: number;
  lastRevertedAt?: number;
  toFirstOutOfToleranceMs?: number;
  toDeclaredMs?: number;
  toAllRevertedMs?: number;
  declaredToRevertedMs?: number;
  /** The least time between the first failed sample and a declared deviation: failAfter - 1 intervals. */
  fastestDeclarationMs: number;
};

// Everything a report shows, derived once from the journal; renderers only lay it out and escape it.
export type Findings = Lessons & {
  journal: Journal;
  experiment: ExperimentSummary;
  verdict: Verdict | 'unknown';
  verdictSentence: string;
  reason: string;
  origin: number;
  end: number;
  revertFailed: boolean;
  probes: ProbeAnalysis[];
  actions: ActionRow[];
  spans: ActiveSpan[];
  blastRadius: string[];
  timeline: Timeline;
  detection: Detection;
  settings: [string, string][];
  /** The load streams of spec.load, as the journal has them. */
  load: JournalLoadStream[];
};
