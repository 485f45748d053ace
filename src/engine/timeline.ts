import { parseDuration } from '../experiment/duration.ts';
import type { FaultSpec } from '../experiment/schema.ts';

export type TimelineItem = { fault: FaultSpec; startMs: number; endMs: number | undefined };

// When each fault starts and ends, as offsets from the start of the method. A fault without a
// duration lasts until the method ends (it is reverted with everything else).
export function planTimeline(faults: FaultSpec[], durationMs: number): TimelineItem[] {
  return faults
    .map((fault) => {
      const startMs = fault.start ? parseDuration(fault.start) : 0;
      const endMs = fault.duration
        ? Math.min(startMs + parseDuration(fault.duration), durationMs)
        : undefined;
      return { fault, startMs, endMs };
    })
    .sort((a, b) => a.startMs - b.startMs);
}
