import test from 'ava';
import { createArrivalSchedule } from '../../../src/load/arrival-schedule.ts';

const countBefore = (offsetMs: (index: number) => number, ms: number): number => {
  let index = 0;
  while (offsetMs(index) < ms) index++;
  return index;
};

test('a constant rate: request i is due at i / rate', (t) => {
  const schedule = createArrivalSchedule({ perSecond: 200 });
  t.is(schedule.offsetMs(0), 0);
  t.is(schedule.offsetMs(1), 5);
  t.is(schedule.offsetMs(1000), 5000);
  t.is(countBefore(schedule.offsetMs, 3000), 600);
  t.is(schedule.peakPerSecond, 200);
});

test('a linear ramp sends the area under the rate, then holds the final rate', (t) => {
  const schedule = createArrivalSchedule({ perSecond: 100, ramp: { toPerSecond: 300, overMs: 10_000 } });
  // (100 + 300) / 2 x 10 s during the ramp; in its first second the rate goes 100 -> 120: 110.
  t.is(countBefore(schedule.offsetMs, 10_000), 2000);
  t.is(countBefore(schedule.offsetMs, 1000), 110);
  t.is(countBefore(schedule.offsetMs, 12_000), 2600);
  t.true(Math.abs(schedule.offsetMs(2001) - schedule.offsetMs(2000) - 1000 / 300) < 1e-9);
  t.is(schedule.peakPerSecond, 300);
});

test('a ramp from 0 and a ramp down are monotonic and exact', (t) => {
  const up = createArrivalSchedule({ perSecond: 0, ramp: { toPerSecond: 1000, overMs: 4000 } });
  t.is(countBefore(up.offsetMs, 4000), 2000);
  t.is(countBefore(up.offsetMs, 2000), 500);
  const down = createArrivalSchedule({ perSecond: 1000, ramp: { toPerSecond: 0, overMs: 2000 } });
  t.is(countBefore(down.offsetMs, 1000), 750);
  t.is(down.offsetMs(1000), Number.POSITIVE_INFINITY, 'nothing after a ramp down to 0');
  for (const schedule of [up, down]) {
    for (let index = 1; index < 1000; index++)
      t.true(schedule.offsetMs(index) > schedule.offsetMs(index - 1));
  }
});

test('rates that send nothing are refused', (t) => {
  t.throws(() => createArrivalSchedule({ perSecond: 0 }), { message: /above 0/ });
  t.throws(() => createArrivalSchedule({ perSecond: 0, ramp: { toPerSecond: 0, overMs: 1000 } }));
  t.throws(() => createArrivalSchedule({ perSecond: -1, ramp: { toPerSecond: 10, overMs: 1000 } }));
});
