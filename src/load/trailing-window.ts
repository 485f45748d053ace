import type { LoadAccount } from './load-account.ts';
import type { WindowSummary } from './summarize-window.ts';

// What a load probe judges at each sample: the requests due in the trailing window, the current
// (unfinished) second included so a loss is seen at the first sample after it happened, and every
// earlier second with a request that ended within the window. A request belongs to the second of
// its intended send time but may end up to its timeout later (a timeout is only known then): the
// window reaches back to it, so a loss is judged by the first sample after it is known, however
// long the request took to be lost.

export type TrailingWindow = {
  windowMs: number;
  nowMs: number;
  /** When request 0 was due: the window never starts before. */
  startedMs: number;
  /** The longest a request can take from its intended time to its end: late sending + timeout. */
  lifetimeMs: number;
};

export function summarizeTrailing(account: LoadAccount, window: TrailingWindow): WindowSummary {
  const { nowMs, startedMs } = window;
  const threshold = nowMs - window.windowMs;
  let first = Math.floor(Math.max(threshold, startedMs) / 1000);
  // A few seconds more than a request can live: its timer fires late on a busy machine.
  const oldest = Math.floor(Math.max(threshold - window.lifetimeMs - 5_000, startedMs) / 1000);
  for (let second = oldest; second < first; second++) {
    if ((account.bucket(second)?.lastEndedMs ?? 0) >= threshold) {
      first = second;
      break;
    }
  }
  const end = Math.floor(nowMs / 1000) + 1;
  const summary = account.summarize(first * 1000, end * 1000);
  // Throughput over the time the window really covers: since its first second (or the stream's
  // start) until now, not until the end of the current second.
  const coveredMs = nowMs - Math.max(first * 1000, startedMs);
  return {
    ...summary,
    toMs: nowMs,
    throughput: coveredMs > 0 ? summary.ok / (coveredMs / 1000) : 0,
  };
}
