import type { FaultKind } from '../experiment/schema.ts';
import type { ActionEffect } from '../faults/fault-driver.ts';
import type { UndoRecord } from '../faults/undo-record.ts';
import type { Sample } from '../hypothesis/sample.ts';
import type { JournalLoad } from './journal-load.ts';
import type { Phase, Verdict } from './verdict.ts';

// Every kind of event a run records: a closed set, so the reports give each its tone.
export const eventTypes = [
  'phase',
  'recovered',
  'recover-failed',
  'recover-scan-failed',
  'ledger-problem',
  'safety-violation',
  'steady-state-met',
  'probe-failed',
  'abort-condition',
  'step',
  'injected',
  'inject-failed',
  'inject-shortfall',
  'owner-ready',
  'owner-not-ready',
  'not-measured',
  'drained',
  'drain-blocked',
  'drain-failed',
  'drain-stopped',
  'rolled-out',
  'reverting',
  'revert-retry',
  'reverted',
  'revert-failed',
  'ledger-close-failed',
  'rollback-succeeded',
  'rollback-failed',
  'load-started',
  'load-stopped',
  'load-shortfall',
  'load-deviated',
  'verdict',
] as const;

export type EventType = (typeof eventTypes)[number];

export type JournalEvent = {
  /** Epoch milliseconds. */
  at: number;
  phase: Phase;
  type: EventType;
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
  kind: FaultKind;
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
  /** Epoch ms: the run's planned end plus grace; its marks carry it (src/engine/run-state.ts). */
  deadline?: number;
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
  ledger: {
    file: string;
    leftBehind: { entry: string; description: string; error: string }[];
    /** Reverted and confirmed, but the ledger could not record it: `recover` finds them already gone. */
    unclosed?: { entry: string; error: string }[];
  };
  /** Where the run announced itself: its Lease (namespace/name) and its claims on proxies. */
  registry?: { lease?: string; claims: string[] };
  /** Rollbacks that did not succeed: what they were meant to restore may not be restored. */
  failedRollbacks?: { probe: string; outcome: string; detail: string }[];
  /** The load streams of spec.load, when it has any. */
  load?: JournalLoad;
};
