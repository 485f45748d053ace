// When a schedule may fire: inside one of its windows (days of the week and hours, wall-clock
// time in the schedule's zone) and never on a blackout date. Pure: instants in, decisions out.
import type { Schedule } from '../experiment/schedule-schema.ts';
import { weekdays } from '../experiment/schedule-schema.ts';
import {
  formatLocalDate,
  instantOfLocal,
  type LocalDateTime,
  localTimeOf,
  nextLocalDate,
  weekdayOfDate,
} from './zoned-time.ts';

export type FireWindow = {
  /** 0 = Sunday ... 6 = Saturday. */
  days: ReadonlySet<number>;
  /** Seconds since local midnight: from inclusive, to exclusive (86 400 = the end of the day). */
  fromSecond: number;
  toSecond: number;
};

export type FireRules = {
  timeZone: string;
  /** Empty: any time of any day. */
  windows: readonly FireWindow[];
  /** Local dates YYYY-MM-DD. */
  blackouts: ReadonlySet<string>;
};

export type FireDecision =
  | { allowed: true }
  | { allowed: false; reason: 'blackout' | 'outside-window'; detail: string };

const daysAhead = 800;

// "mon-fri" -> 1..5; a range wraps past Sunday ("fri-mon" is fri, sat, sun, mon).
export function expandDays(days: readonly string[]): Set<number> {
  const result = new Set<number>();
  for (const item of days) {
    const [first = -1, last = first] = item.split('-').map((day) => weekdays.indexOf(day as never));
    if (first < 0 || last < 0) continue;
    for (let day = first; ; day = (day + 1) % 7) {
      result.add(day);
      if (day === last) break;
    }
  }
  return result;
}

const secondOfDay = (text: string) => {
  const [hours = 0, minutes = 0] = text.split(':').map(Number);
  return hours * 3600 + minutes * 60;
};

export function compileFireRules(
  spec: Pick<Schedule['spec'], 'timezone' | 'windows' | 'blackouts'>,
): FireRules {
  return {
    timeZone: spec.timezone ?? 'UTC',
    windows: (spec.windows ?? []).map((window) => ({
      days: expandDays(window.days),
      fromSecond: secondOfDay(window.from),
      toSecond: secondOfDay(window.to),
    })),
    blackouts: new Set(spec.blackouts ?? []),
  };
}

export function judgeFireTime(instant: number, rules: FireRules): FireDecision {
  const local = localTimeOf(instant, rules.timeZone);
  const date = formatLocalDate(local);
  if (rules.blackouts.has(date))
    return { allowed: false, reason: 'blackout', detail: `${date} is a blackout date` };
  if (rules.windows.length === 0) return { allowed: true };
  const second = local.hour * 3600 + local.minute * 60 + local.second;
  const inside = rules.windows.some(
    (window) => window.days.has(local.weekday) && window.fromSecond <= second && second < window.toSecond,
  );
  if (inside) return { allowed: true };
  const day = weekdays[local.weekday] ?? '?';
  const time = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
  return {
    allowed: false,
    reason: 'outside-window',
    detail: `${day} ${date} ${time} is outside every window`,
  };
}

const atSecond = (date: Pick<LocalDateTime, 'year' | 'month' | 'day'>, second: number): LocalDateTime =>
  second >= 86_400
    ? { ...nextLocalDate(date), hour: 0, minute: 0 }
    : { ...date, hour: Math.floor(second / 3600), minute: Math.floor((second % 3600) / 60) };

// A lower bound for the next allowed instant at or after `instant`: no allowed instant lies before
// it (it may itself be disallowed, e.g. between the two passes of an hour repeated when clocks go
// back). Undefined when nothing is allowed for the next ~2 years.
export function nextAllowedInstant(instant: number, rules: FireRules): number | undefined {
  let date: Pick<LocalDateTime, 'year' | 'month' | 'day'> = localTimeOf(instant, rules.timeZone);
  for (let index = 0; index < daysAhead; index++, date = nextLocalDate(date)) {
    if (rules.blackouts.has(formatLocalDate(date))) continue;
    if (rules.windows.length === 0) {
      return Math.max(instant, instantOfLocal({ ...date, hour: 0, minute: 0 }, rules.timeZone));
    }
    const weekday = weekdayOfDate(date);
    let best: number | undefined;
    for (const window of rules.windows) {
      if (!window.days.has(weekday)) continue;
      const start = instantOfLocal(atSecond(date, window.fromSecond), rules.timeZone, 'earliest');
      const end = instantOfLocal(atSecond(date, window.toSecond), rules.timeZone, 'latest');
      const candidate = Math.max(start, instant);
      if (candidate < end && (best === undefined || candidate < best)) best = candidate;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}
