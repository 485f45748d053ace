// Windows and blackouts in wall-clock time (Europe/Berlin, with its daylight-saving changes on
// 2026-03-29, 02:00 CET -> 03:00 CEST, and 2026-10-25, 03:00 CEST -> 02:00 CET).
import test from 'ava';
import {
  compileFireRules,
  expandDays,
  type FireRules,
  judgeFireTime,
  nextAllowedInstant,
} from '../../../src/schedule/windows.ts';
import { formatInZone, instantOfLocal, offsetMinutesAt } from '../../../src/schedule/zoned-time.ts';

const zone = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);
const show = (instant: number | undefined) =>
  instant === undefined ? undefined : formatInZone(instant, zone);

const rules: FireRules = compileFireRules({
  timezone: zone,
  windows: [
    { days: ['mon-fri'], from: '10:00', to: '16:00' },
    { days: ['sun'], from: '01:00', to: '04:00' },
  ],
  blackouts: ['2026-03-27', '2026-12-24'],
});

test('day ranges expand, and wrap past Sunday', (t) => {
  t.deepEqual([...expandDays(['mon-fri'])].sort(), [1, 2, 3, 4, 5]);
  t.deepEqual([...expandDays(['fri-mon'])].sort(), [0, 1, 5, 6]);
  t.deepEqual([...expandDays(['sat', 'sun'])].sort(), [0, 6]);
  t.deepEqual([...expandDays(['wed-wed'])], [3]);
});

const judged = test.macro((t, iso: string, expected: string) => {
  const decision = judgeFireTime(at(iso), rules);
  t.is(decision.allowed ? 'allowed' : decision.reason, expected);
});

test('10:00 on a Thursday is inside', judged, '2026-03-26T10:00:00+01:00', 'allowed');
test('09:59:59 on a Thursday is outside', judged, '2026-03-26T09:59:59+01:00', 'outside-window');
test('16:00 is the end of the window (exclusive)', judged, '2026-03-26T16:00:00+01:00', 'outside-window');
test('15:59:59 is still inside', judged, '2026-03-26T15:59:59+01:00', 'allowed');
test('a Saturday has no window', judged, '2026-03-28T11:00:00+01:00', 'outside-window');
test('a blackout date wins over a window', judged, '2026-03-27T11:00:00+01:00', 'blackout');
test(
  'the blackout is the local day: 23:30 UTC the day before is already it',
  judged,
  '2026-03-26T23:30:00Z',
  'blackout',
);
test(
  'the Sunday window on the morning clocks go forward: 03:30 CEST',
  judged,
  '2026-03-29T03:30:00+02:00',
  'allowed',
);
test('the Sunday window, 04:00 CEST, is over', judged, '2026-03-29T04:00:00+02:00', 'outside-window');
test(
  'the repeated 02:30 when clocks go back: first pass (CEST)',
  judged,
  '2026-10-25T02:30:00+02:00',
  'allowed',
);
test(
  'the repeated 02:30 when clocks go back: second pass (CET)',
  judged,
  '2026-10-25T02:30:00+01:00',
  'allowed',
);

test('without windows every time is allowed except blackouts', (t) => {
  const open = compileFireRules({ timezone: zone, blackouts: ['2026-12-24'] });
  t.true(judgeFireTime(at('2026-12-23T23:59:59+01:00'), open).allowed);
  t.false(judgeFireTime(at('2026-12-24T00:00:00+01:00'), open).allowed);
  t.true(judgeFireTime(at('2026-12-25T00:00:00+01:00'), open).allowed);
});

test('the next opening: later the same day, over a weekend, over a blackout', (t) => {
  t.is(show(nextAllowedInstant(at('2026-03-26T08:00:00+01:00'), rules)), '2026-03-26T10:00:00+01:00');
  t.is(show(nextAllowedInstant(at('2026-03-26T12:34:56+01:00'), rules)), '2026-03-26T12:34:56+01:00');
  // Thursday after 16:00 -> Friday is a blackout -> Sunday 01:00 (CET, before the change)
  t.is(show(nextAllowedInstant(at('2026-03-26T16:00:00+01:00'), rules)), '2026-03-29T01:00:00+01:00');
  // Sunday after the window -> Monday 10:00, now in summer time
  t.is(show(nextAllowedInstant(at('2026-03-29T05:00:00+02:00'), rules)), '2026-03-30T10:00:00+02:00');
});

test('a window that starts in the skipped hour opens when the clocks jump', (t) => {
  const gap = compileFireRules({ timezone: zone, windows: [{ days: ['sun'], from: '02:30', to: '03:30' }] });
  t.is(show(nextAllowedInstant(at('2026-03-29T00:00:00+01:00'), gap)), '2026-03-29T03:00:00+02:00');
  t.true(judgeFireTime(at('2026-03-29T03:00:00+02:00'), gap).allowed);
});

test('between the two passes of a repeated hour, the second pass is not skipped', (t) => {
  const repeated = compileFireRules({
    timezone: zone,
    windows: [{ days: ['sun'], from: '02:00', to: '02:30' }],
  });
  // 02:45 CEST is between the passes: the window's second pass (02:00 CET) is still ahead
  const hint = nextAllowedInstant(at('2026-10-25T02:45:00+02:00'), repeated);
  t.true(hint !== undefined && hint <= at('2026-10-25T02:00:00+01:00'), show(hint));
});

test('nothing allowed at all: undefined', (t) => {
  const never = compileFireRules({
    timezone: zone,
    windows: [{ days: ['mon'], from: '10:00', to: '10:00' }],
  });
  t.is(nextAllowedInstant(at('2026-01-01T00:00:00Z'), never), undefined);
});

test('local times to instants around both changes', (t) => {
  t.is(offsetMinutesAt(at('2026-03-29T00:59:59Z'), zone), 60);
  t.is(offsetMinutesAt(at('2026-03-29T01:00:00Z'), zone), 120);
  const gap = { year: 2026, month: 3, day: 29, hour: 2, minute: 30 };
  t.is(show(instantOfLocal(gap, zone)), '2026-03-29T03:00:00+02:00');
  const twice = { year: 2026, month: 10, day: 25, hour: 2, minute: 30 };
  t.is(show(instantOfLocal(twice, zone, 'earliest')), '2026-10-25T02:30:00+02:00');
  t.is(show(instantOfLocal(twice, zone, 'latest')), '2026-10-25T02:30:00+01:00');
  t.is(formatInZone(at('2026-07-01T12:00:00Z'), 'UTC'), '2026-07-01T12:00:00+00:00');
  t.is(formatInZone(at('2026-07-01T12:00:00Z'), 'America/St_Johns'), '2026-07-01T09:30:00-02:30');
});
