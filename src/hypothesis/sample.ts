// One observation of one probe. `outcome` keeps apart what users of other tools cannot tell apart:
// a value out of tolerance, a server that answered too slowly, one that could not be reached at all.
export type SampleOutcome = 'ok' | 'out-of-tolerance' | 'timeout' | 'unreachable' | 'empty' | 'error';

export type Sample = {
  probe: string;
  /** Epoch milliseconds when the sample was taken. */
  at: number;
  outcome: SampleOutcome;
  /** The measured value the tolerance was checked against (a number for charts when possible). */
  value?: number | string | boolean | undefined;
  /** Per-series or per-object values, for vector results. */
  values?: { label: string; value: number | string | boolean | null; ok: boolean }[];
  /** One line: what was measured and what was expected. */
  detail: string;
  durationMs: number;
  attempts: number;
};

export const isOk = (sample: Sample) => sample.outcome === 'ok';
