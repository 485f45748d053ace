// Load tolerances judged on a window's figures: the load probe at each sample, and a stream's
// whole-run expectations once it has stopped. Pure.
import { type LoadToleranceKey, loadToleranceKeys, type ToleranceSpec } from '../experiment/schema.ts';
import { checkTolerance, hasTolerance } from '../hypothesis/tolerance.ts';
import type { WindowSummary } from './summarize-window.ts';

export type LoadTolerances = Partial<Record<LoadToleranceKey, Partial<ToleranceSpec>>>;

export type LoadJudgement = {
  ok: boolean;
  /** The figure of the first tolerance given (lostRequests first), for charts. */
  value: number | undefined;
  /** Every figure a tolerance was given for, and whether it held. */
  values: { label: LoadToleranceKey; value: number | null; ok: boolean }[];
  /** "2 lost requests, expected equal to 0". */
  problems: string[];
  /** The window in one line: "400 sent, 0 lost, error ratio 0, p50 2.1 ms, p99 9.8 ms, 200 ok/s". */
  figures: string;
};

const labels: Record<LoadToleranceKey, string> = {
  lostRequests: 'lost requests',
  errorRatio: 'error ratio',
  p50Ms: 'p50 ms',
  p95Ms: 'p95 ms',
  p99Ms: 'p99 ms',
  throughput: 'throughput (ok/s)',
};

/** The figure a tolerance is judged on; undefined for a latency when no request was answered. */
export function figureOf(summary: WindowSummary, key: LoadToleranceKey): number | undefined {
  switch (key) {
    case 'lostRequests':
      return summary.lost;
    case 'errorRatio':
      return summary.errorRatio;
    case 'throughput':
      return summary.throughput;
    default:
      return summary.latency?.[key];
  }
}

const round = (value: number) => Number(value.toPrecision(4));

export function describeFigures(summary: WindowSummary): string {
  const notSent = summary.notSent.inFlightCap + summary.notSent.late;
  const parts = [
    `${summary.sent} sent${notSent > 0 ? ` (${notSent} due not sent by the generator)` : ''}`,
    `${summary.lost} lost${summary.lost > 0 ? ` (${describeLostBy(summary)})` : ''}`,
    ...(summary.inFlight > 0 ? [`${summary.inFlight} in flight`] : []),
    `error ratio ${round(summary.errorRatio)}`,
  ];
  const latency = summary.latency;
  if (latency)
    parts.push(
      `p50 ${round(latency.p50Ms)} ms, p95 ${round(latency.p95Ms)} ms, p99 ${round(latency.p99Ms)} ms`,
    );
  parts.push(`${round(summary.throughput)} ok/s`);
  return parts.join(', ');
}

export function describeLostBy(summary: WindowSummary): string {
  const { wrongStatus, timeout, connectionFailure } = summary.lostBy;
  const causes: [number, string][] = [
    [wrongStatus, 'wrong status'],
    [timeout, 'timeout'],
    [connectionFailure, 'connection failure'],
  ];
  return causes
    .filter(([count]) => count > 0)
    .map(([count, cause]) => `${count} ${cause}`)
    .join(', ');
}

// A latency tolerance over a window where nothing was answered: failed when requests were lost or
// are still waiting (no answer is no latency within any bound), not judged when nothing was sent.
export function judgeLoadWindow(summary: WindowSummary, tolerances: LoadTolerances): LoadJudgement {
  const values: LoadJudgement['values'] = [];
  const problems: string[] = [];
  for (const key of loadToleranceKeys) {
    const tolerance = tolerances[key];
    if (!tolerance || !hasTolerance(tolerance)) continue;
    const value = figureOf(summary, key);
    if (value === undefined && summary.lost + summary.inFlight === 0) continue;
    const check = checkTolerance(value, tolerance);
    values.push({ label: key, value: value ?? null, ok: check.ok });
    if (check.ok) continue;
    problems.push(
      value === undefined
        ? `${labels[key]}: no request answered, expected ${check.expected}`
        : `${labels[key]} ${round(value)}, expected ${check.expected}`,
    );
  }
  const first = values[0];
  return {
    ok: problems.length === 0,
    value: first?.value ?? undefined,
    values,
    problems,
    figures: describeFigures(summary),
  };
}
