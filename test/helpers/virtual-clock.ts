import type { Clock } from '../../src/clock.ts';

// Virtual time for code that sleeps in several places at once (the engine's loop, a drain's
// backoff, a kill's readiness watch): time jumps to the earliest pending wake-up only once nothing
// else can run (after a macrotask turn), so concurrent sleepers see one consistent timeline.
// Unlike the manual clock, nothing advances by itself while work is pending on real I/O.
export function createVirtualClock(start = Date.UTC(2026, 0, 1)): Clock & { elapsed(): number } {
  let now = start;
  let sequence = 0;
  const timers: { at: number; order: number; wake: () => void }[] = [];
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(advance);
  };
  function advance() {
    scheduled = false;
    if (timers.length === 0) return;
    timers.sort((a, b) => a.at - b.at || a.order - b.order);
    const first = timers[0] as (typeof timers)[number];
    now = Math.max(now, first.at);
    const due = timers.filter((timer) => timer.at <= now);
    for (const timer of due) timers.splice(timers.indexOf(timer), 1);
    for (const timer of due) timer.wake();
    if (timers.length > 0) schedule();
  }
  return {
    now: () => now,
    elapsed: () => now - start,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = { at: now + Math.max(0, ms), order: sequence++, wake: done };
        function done() {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        function onAbort() {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          done();
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
        schedule();
      });
    },
  };
}
