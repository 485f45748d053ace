import type { ActionEffect } from '../faults/fault-context.ts';
import type { UndoRecord } from '../faults/undo-record.ts';
import type { Sample } from '../hypothesis/sample.ts';
import type { Phase, Verdict } from './verdict.ts';

export type JournalEvent = {
  /** Epoch milliseconds. */
  at: number;
  phase: Phase;
  type: string;
  message: string;
  fault?: string;
  probe?: string;
};

export type ProbeRole = 'hypothesis' | 'abort' | 'rollback' | 'step';

export type JournalSample = Sample & { phase: Phase; role: ProbeRole };

export type JournalAction = {
  target: string;
  undo: UndoRecord;
  ledgerEntry: string;
  injectedAt?: number;
  revertedAt?: number;
  revert?: 'reverted' | 'already-gone' | 'failed';
  revertAttempts?: number;
  error?: string;
  /** The round of a repeating fault (a podKill with `every`) it belongs to, from 0. */
  round?: number;
  /** podKill: the killed pod's top controller, kind/name. */
  owner?: string;
  /** What became of the target: the owner fully Ready again and when, or how a drain went. */
  effect?: ActionEffect;
};

export type JournalFault = {
  name: string;
  kind: string;
  /** Planned offsets from the start of the method, in ms. */
  startMs: number;
  endMs: number | undefined;
  /** A repeating fault: the planned interval between rounds, and how many rounds ran. */
  everyMs?: number;
  rounds?: number;
  actions: JournalAction[];
};

// The full record of a run: what every report renders from. Written also after an abort or an error.
export type Journal = {
  journalVersion: 1;
  runId: string;
  experimentFile: string;
  experiment: unknown;
  seed: number;
  startedAt: number;
  endedAt?: number;
  methodStartedAt?: number;
  methodEndedAt?: number;
  verdict?: Verdict;
  reason?: string;
  settings: {
    durationMs: number;
    everyMs: number;
    failAfter: number;
    recoveryMs: number;
    revertTimeoutMs: number;
  };
  probes: { name: string; role: ProbeRole; kind: string; expect: unknown; atMs?: number }[];
  faults: JournalFault[];
  events: JournalEvent[];
  samples: JournalSample[];
  /** When the first out-of-tolerance sample was seen (the sample finished). */
  firstDeviation?: { probe: string; at: number; detail: string };
  ledger: { file: string; leftBehind: { entry: string; description: string; error: string }[] };
};
