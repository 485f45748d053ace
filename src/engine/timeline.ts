import { parseDuration } from '../experiment/duration.ts';
import type { Fault } from '../experiment/experiment.ts';
import { repeatEveryMsOf } from '../faults/fault-drivers.ts';

export type TimelineItem = {
  fault: Fault;
  startMs: number;
  endMs: number | undefined;
  /** A fault that repeats (a podKill with `every`): a new round every so often until it ends. */
  everyMs: number | undefined;
};

// When each fault starts and ends, as offsets from the start of the method. A fault without a
// duration lasts until the method ends (it is reverted with everything else).
export function planTimeline(faults: readonly Fault[], durationMs: number): TimelineItem[] {
  return faults
    .map((fault) => {
      const startMs = fault.start ? parseDuration(fault.start) : 0;
      const endMs = fault.duration
        ? Math.min(startMs + parseDuration(fault.duration), durationMs)
        : undefined;
      return { fault, startMs, endMs, everyMs: repeatEveryMsOf(fault) };
    })
    .sort((a, b) => a.startMs - b.startMs);
}

// How many rounds a fault runs at most: one, or one per `every` within its window.
export function roundsOf(item: TimelineItem, durationMs: number): number {
  if (!item.everyMs) return 1;
  const end = item.endMs ?? durationMs;
  return Math.max(1, Math.ceil((end - item.startMs) / item.everyMs));
}

// When the round after `rounds` rounds is due, or undefined when the fault does not repeat or its
// window is over. Rounds missed while the run was busy are skipped, not made up in a burst.
export function nextRoundAt(
  item: TimelineItem,
  rounds: number,
  elapsedMs: number,
  durationMs: number,
): number | undefined {
  if (rounds === 0) return item.startMs;
  if (!item.everyMs) return undefined;
  const missed = Math.max(0, Math.floor((elapsedMs - item.startMs) / item.everyMs) + 1 - rounds);
  const next = item.startMs + (rounds + missed) * item.everyMs;
  const end = item.endMs ?? durationMs;
  return next < end ? next : undefined;
}
