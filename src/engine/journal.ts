import type { UndoRecord } from '../faults/undo-record.ts';
import type { Sample } from '../probes/sample.ts';
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

export type JournalSample = Sample & { phase: Phase; role: 'hypothesis' | 'abort' | 'rollback' };

export type JournalFault = {
  name: string;
  kind: string;
  /** Planned offsets from the start of the method, in ms. */
  startMs: number;
  endMs: number | undefined;
  actions: {
    target: string;
    undo: UndoRecord;
    ledgerEntry: string;
    injectedAt?: number;
    revertedAt?: number;
    revert?: 'reverted' | 'already-gone' | 'failed';
    revertAttempts?: number;
    error?: string;
  }[];
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
  probes: { name: string; role: 'hypothesis' | 'abort' | 'rollback'; kind: string; expect: unknown }[];
  faults: JournalFault[];
  events: JournalEvent[];
  samples: JournalSample[];
  firstDeviation?: { probe: string; at: number; detail: string };
  ledger: { file: string; leftBehind: { entry: string; description: string; error: string }[] };
};
