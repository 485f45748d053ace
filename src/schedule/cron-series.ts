// The fire times of a cron expression, computed by node-cron itself so that `--next` and the
// daemon can never disagree (its DST rules included: a time skipped when clocks go forward does
// not fire that day; an hour repeated when they go back fires once, on its second pass).
import { createTask, type ScheduledTask } from 'node-cron';

export type CronSeries = {
  /** The first fire strictly after `after` (epoch ms, counted in whole seconds), or undefined. */
  next(after: number): number | undefined;
  dispose(): void;
};

// node-cron 4.6 has getNextRuns(n) but only from the present moment (it reads `new Date()`), and
// keeps its matcher private. For a base of our choosing, the Date constructor answers `after` to a
// no-argument call for the length of that one synchronous call; nothing else runs meanwhile.
export function nextFireOf(task: Pick<ScheduledTask, 'getNextRuns'>, after: number): number | undefined {
  const RealDate = globalThis.Date;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length === 0 ? [after] : args, newTarget) as object,
    get: (target, key, receiver) => (key === 'now' ? () => after : Reflect.get(target, key, receiver)),
  });
  try {
    const [next] = task.getNextRuns(1);
    return next === undefined ? undefined : next.getTime();
  } catch {
    return undefined; // no match within node-cron's horizon (100 years)
  } finally {
    globalThis.Date = RealDate;
  }
}

export function createCronSeries(expression: string, timeZone: string): CronSeries {
  const task = createTask(expression, () => undefined, { timezone: timeZone });
  return {
    next: (after) => nextFireOf(task, after),
    dispose: () => void task.destroy(),
  };
}
