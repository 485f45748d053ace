import type { Experiment } from '../experiment/experiment.ts';
import type { Journal, JournalEvent, JournalSample } from './journal.ts';
import type { Verdict } from './verdict.ts';

export type RunRequest = {
  experiment: Experiment;
  /** The experiment as written (variables unresolved), for the journal: secrets never appear. */
  experimentSource: unknown;
  experimentFile: string;
  runId: string;
  seed: number;
  /** How long each revert is retried, and how long the rollbacks may take after the faults. */
  revertTimeoutMs?: number;
  /** With a live run on the same targets: how long to wait for it to end (default: refuse at once). */
  waitClearMs?: number;
  /**
   * Awaited once the start checks passed, before the first inject: a rejection ends the run
   * `not-started` with its message (the CLI waits here for its guard, the dead man's switch).
   */
  beforeFirstInject?: () => Promise<void>;
  /** Aborts the run (Ctrl-C, SIGTERM, SIGHUP): every fault is reverted and the verdict is `aborted`. */
  signal?: AbortSignal;
  onEvent?: (event: JournalEvent, journal: Journal) => void;
  onSample?: (sample: JournalSample) => void;
};

export type RunOutcome = {
  journal: Journal;
  verdict: Verdict;
  /** A fault could not be reverted: the ledger keeps its entry open. */
  revertFailed: boolean;
  /** A rollback did not succeed. */
  rollbackFailed: boolean;
};
