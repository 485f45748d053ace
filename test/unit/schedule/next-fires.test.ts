// The fires a schedule makes: node-cron's cron times, filtered by windows and blackouts; times
// computed by hand for Europe/Berlin across both daylight-saving changes of 2026.
import test from 'ava';
import { createTask } from 'node-cron';
import { createCronSeries, nextFireOf } from '../../../src/schedule/cron-series.ts';
import { nextAllowedFire, planFires } from '../../../src/schedule/next-fires.ts';
import { compileFireRules } from '../../../src/schedule/windows.ts';
import { formatInZone } from '../../../src/schedule/zoned-time.ts';

const zone = 'Europe/Berlin';
const RealDate = Date;
const at = (iso: string) => Date.parse(iso);
const rules = compileFireRules({
  timezone: zone,
  windows: [
    { days: ['mon-fri'], from: '10:00', to: '16:00' },
    { days: ['sun'], from: '01:00', to: '04:00' },
  ],
  blackouts: ['2026-03-27'],
});
const entries = [
  { name: 'morning', series: createCronSeries('0 10 * * *', zone) },
  { name: 'night', series: createCronSeries('30 2 * * *', zone) },
];
const plan = (from: string, count: number) =>
  planFires(entries, rules, at(from), count).map((fire) => `${formatInZone(fire.at, zone)} ${fire.entry}`);

test('spring forward: blackout Friday, no Saturday window, the skipped 02:30 never fires, offsets change', (t) => {
  t.deepEqual(plan('2026-03-26T09:00:00+01:00', 8), [
    '2026-03-26T10:00:00+01:00 morning', // Thursday, winter time
    // Friday 27th: blackout. Saturday: no window. Sunday 29th 02:30 does not exist.
    '2026-03-30T10:00:00+02:00 morning', // Monday, summer time
    '2026-03-31T10:00:00+02:00 morning',
    '2026-04-01T10:00:00+02:00 morning',
    '2026-04-02T10:00:00+02:00 morning',
    '2026-04-03T10:00:00+02:00 morning',
    '2026-04-05T02:30:00+02:00 night', // Sunday window 01:00-04:00
    '2026-04-06T10:00:00+02:00 morning',
  ]);
});

test('fall back: the repeated 02:30 fires once, on its second pass (CET)', (t) => {
  t.deepEqual(plan('2026-10-22T12:00:00+02:00', 4), [
    '2026-10-23T10:00:00+02:00 morning',
    '2026-10-25T02:30:00+01:00 night',
    '2026-10-26T10:00:00+01:00 morning',
    '2026-10-27T10:00:00+01:00 morning',
  ]);
});

test('fires are strictly after the start, and a fire on the start itself is not repeated', (t) => {
  t.deepEqual(plan('2026-03-26T10:00:00+01:00', 1), ['2026-03-30T10:00:00+02:00 morning']);
});

test('seconds-level cron: a weekend is skipped in one step, not fire by fire', (t) => {
  const fast = createCronSeries('*/5 * * * * *', zone);
  const started = performance.now();
  const fire = nextAllowedFire(fast, rules, at('2026-04-03T15:59:58+02:00'));
  t.is(formatInZone(fire ?? 0, zone), '2026-04-05T01:00:00+02:00');
  t.true(performance.now() - started < 1000);
});

test('no allowed fire within two years: undefined, and planning stops', (t) => {
  const never = [{ name: 'saturday', series: createCronSeries('0 12 * * sat', zone) }];
  t.deepEqual(planFires(never, rules, at('2026-01-01T00:00:00Z'), 3), []);
});

test('nextFireOf from now agrees with node-cron getNextRuns, and leaves the real Date in place', (t) => {
  const task = createTask('0 3 * * *', () => undefined, { timezone: zone });
  try {
    const [first, second] = task.getNextRuns(2).map((date) => date.getTime());
    t.is(nextFireOf(task, Date.now()), first);
    t.is(nextFireOf(task, first ?? 0), second);
    t.is(Date, RealDate);
    const present = new Date();
    t.true(Math.abs(present.valueOf() - Date.now()) < 1000, 'new Date() is the present again');
  } finally {
    task.destroy();
  }
});
