import type { LoadTolerances } from '../load/judge-window.ts';
import type { SerializedBucket, WindowSummary } from '../load/start-load.ts';
import type { Phase } from './verdict.ts';

// The journal's record of the run's load streams: what each sent and how, its per-second buckets
// (never one line per request), and its figures per phase, per fault window and over the whole
// run. Windows are taken at whole seconds of intended send time (see src/load/summarize-window.ts).

export type JournalLoadWindow = { from: number; to: number; summary: WindowSummary };

export type JournalLoadStream = {
  name: string;
  method: string;
  url: string;
  /** The constant rate, or the rate a ramp reaches. */
  ratePerSecond: number;
  ramp?: { fromPerSecond: number; overMs: number };
  timeoutMs: number;
  maxInFlight: number;
  lateAfterMs: number;
  expectStatus?: number | readonly number[];
  /** Whole-run tolerances (spec.load[].expect without status). */
  tolerances?: LoadTolerances;
  startedAt: number;
  stoppedAt?: number;
  /** When the first lost request ended: its loss became known. */
  firstLostAt?: number;
  /** Connection failures by error code (ECONNRESET, ECONNREFUSED, ...). */
  failureCodes?: Record<string, number>;
  /** Everything the stream sent, from its start to its stop. */
  total?: WindowSummary;
  phases?: (JournalLoadWindow & { phase: Phase })[];
  /** From a fault's first injection until it was reverted (a killed pod: until its owner was Ready
   * again; a rollout restart: until it rolled out), widened to whole seconds. */
  faultWindows?: (JournalLoadWindow & { fault: string })[];
  /** The whole-run tolerances, judged once the stream had stopped. */
  judgement?: { ok: boolean; detail: string };
  buckets?: SerializedBucket[];
};

export type JournalLoad = { streams: JournalLoadStream[] };
