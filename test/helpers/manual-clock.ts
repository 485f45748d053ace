import type { Clock } from '../../src/clock.ts';

// Virtual time: sleeping advances the clock at once, so a 60 s timeline runs in milliseconds.
export function createManualClock(start = Date.UTC(2026, 0, 1)): Clock & { elapsed(): number } {
  let now = start;
  return {
    now: () => now,
    elapsed: () => now - start,
    async sleep(ms, signal) {
      if (signal?.aborted) return;
      await Promise.resolve();
      now += Math.max(0, ms);
    },
  };
}
