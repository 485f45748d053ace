import type { Clock } from '../clock.ts';
import { type RunState, type Stop, stopRun } from './run-state.ts';

// The method's shared time and end: every task of the method sleeps on it, and one `stop` (a
// deviation, an abort condition, an error, Ctrl-C) wakes them all at once.
export type MethodClock = {
  /** Aborted when the method ends: its duration is over, or the run stopped. */
  readonly signal: AbortSignal;
  /** Milliseconds since the method started. */
  elapsed(): number;
  /** Sleeps until `offsetMs` into the method; false when the method ended first. */
  until(offsetMs: number): Promise<boolean>;
  /** Stops the run (the first reason wins) and ends the method. */
  stop(stop: Stop): void;
  /** Ends the method without a stop (its duration is over). */
  end(): void;
};

export function createMethodClock(state: RunState, clock: Clock): MethodClock {
  const controller = new AbortController();
  const startedAt = clock.now();
  const method: MethodClock = {
    signal: controller.signal,
    elapsed: () => clock.now() - startedAt,
    async until(offsetMs) {
      const wait = startedAt + offsetMs - clock.now();
      if (wait > 0) await clock.sleep(wait, controller.signal);
      return !controller.signal.aborted;
    },
    stop(stop) {
      stopRun(state, stop);
      controller.abort();
    },
    end: () => controller.abort(),
  };
  return method;
}
