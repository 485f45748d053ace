// Wall-clock time in an IANA time zone, from Intl alone: the local date and time of an instant,
// the instant of a local date and time (gaps and overlaps of daylight-saving changes included),
// and ISO 8601 with the zone's offset.

export type LocalTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdayNumbers: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localTimeOf(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: weekdayNumbers[parts.weekday ?? ''] ?? 0,
  };
}

// The wall clock read as if it were UTC: comparable, and one local day is 86 400 000 apart.
function wallMs(local: Pick<LocalTime, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'>): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/** Minutes east of UTC at an instant (+60 for CET, +120 for CEST). */
export function offsetMinutesAt(instant: number, timeZone: string): number {
  const second = Math.floor(instant / 1000) * 1000;
  return Math.round((wallMs(localTimeOf(second, timeZone)) - second) / 60_000);
}

export type LocalDateTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
};

// The instant whose wall clock reads `local`: for a time that happens twice (the hour repeated
// when clocks go back) the first or the last of the two; for a time that never happens (the hour
// skipped when clocks go forward) the instant the clocks jump past it.
export function instantOfLocal(
  local: LocalDateTime,
  timeZone: string,
  which: 'earliest' | 'latest' = 'earliest',
): number {
  const wall = wallMs({ ...local, second: local.second ?? 0 });
  // Near any instant a zone has at most two offsets: the ones a day before and a day after.
  const offsets = new Set([
    offsetMinutesAt(wall - 86_400_000, timeZone),
    offsetMinutesAt(wall + 86_400_000, timeZone),
  ]);
  const exact = [...offsets]
    .map((offset) => wall - offset * 60_000)
    .filter((instant) => wallMs(localTimeOf(instant, timeZone)) === wall)
    .sort((a, b) => a - b);
  const found = which === 'earliest' ? exact[0] : exact.at(-1);
  if (found !== undefined) return found;
  // In a gap: search for the first instant whose wall clock is past `wall`.
  const candidates = [...offsets].map((offset) => wall - offset * 60_000);
  let low = Math.min(...candidates);
  let high = Math.max(...candidates);
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (wallMs(localTimeOf(middle, timeZone)) >= wall) high = middle;
    else low = middle;
  }
  return high;
}

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');

// 2026-03-29T03:00:00+02:00: ISO 8601 with the zone's offset at that instant (never Z).
export function formatInZone(instant: number, timeZone: string): string {
  const local = localTimeOf(instant, timeZone);
  const offset = offsetMinutesAt(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const date = `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
  const time = `${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
  return `${date}T${time}${sign}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

// The local calendar day after `local`'s (the wall clock is not involved, so no zone is needed).
export function nextLocalDate(local: Pick<LocalTime, 'year' | 'month' | 'day'>): {
  year: number;
  month: number;
  day: number;
} {
  const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

export function formatLocalDate(local: Pick<LocalTime, 'year' | 'month' | 'day'>): string {
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
}

export function weekdayOfDate(local: Pick<LocalTime, 'year' | 'month' | 'day'>): number {
  return new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
}
