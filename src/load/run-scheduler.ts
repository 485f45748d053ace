import type { Clock } from '../clock.ts';
import type { ArrivalSchedule } from './arrival-schedule.ts';

// The open-model loop: hands each request to `dispatch` once its intended time has come, in order,
// and sleeps in between; never waits for answers. A loop far behind (a stalled process, a
// late-tolerant stream) would hand over its whole backlog in one turn and starve the answers'
// I/O, so it yields to the event loop every `burstLimit` requests.

export const burstLimit = 64;

export async function runScheduler(run: {
  schedule: ArrivalSchedule;
  startedMs: number;
  durationMs: number;
  clock: Clock;
  signal: AbortSignal;
  dispatch: (intendedMs: number, nowMs: number) => void;
}): Promise<void> {
  const { schedule, startedMs, durationMs, clock, signal } = run;
  for (let index = 0, burst = 0; !signal.aborted; ) {
    const offset = schedule.offsetMs(index);
    if (offset >= durationMs) return;
    const intendedMs = startedMs + offset;
    const nowMs = clock.now();
    if (intendedMs > nowMs) {
      burst = 0;
      await clock.sleep(intendedMs - nowMs, signal);
      continue;
    }
    run.dispatch(intendedMs, nowMs);
    index++;
    if (++burst >= burstLimit) {
      burst = 0;
      await new Promise(setImmediate);
    }
  }
}
