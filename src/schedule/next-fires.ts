// The fires a schedule will really make: each entry's cron times (node-cron's), kept only when
// windows and blackouts allow them. What `--next` prints and the next-fire gauge shows.
import type { CronSeries } from './cron-series.ts';
import { type FireRules, judgeFireTime, nextAllowedInstant } from './windows.ts';

export type PlannedFire = { at: number; entry: string };

const horizonMs = 2 * 366 * 86_400_000;

// The first allowed fire strictly after `after`, or undefined when none comes within two years.
// Disallowed stretches are skipped in one step (to the next window) rather than fire by fire.
export function nextAllowedFire(series: CronSeries, rules: FireRules, after: number): number | undefined {
  let base = after;
  for (;;) {
    const fire = series.next(base);
    if (fire === undefined || fire > after + horizonMs) return undefined;
    if (judgeFireTime(fire, rules).allowed) return fire;
    const opening = nextAllowedInstant(fire, rules);
    if (opening === undefined) return undefined;
    base = Math.max(opening - 1000, fire);
  }
}

// The next `count` fires of all entries together, in time order (entries in their order on a tie).
export function planFires(
  entries: readonly { name: string; series: CronSeries }[],
  rules: FireRules,
  after: number,
  count: number,
): PlannedFire[] {
  const upcoming = entries.map((entry) => ({ entry, at: nextAllowedFire(entry.series, rules, after) }));
  const fires: PlannedFire[] = [];
  while (fires.length < count) {
    let earliest: (typeof upcoming)[number] | undefined;
    for (const item of upcoming) {
      if (item.at !== undefined && (earliest?.at === undefined || item.at < earliest.at)) earliest = item;
    }
    if (earliest?.at === undefined) break;
    fires.push({ at: earliest.at, entry: earliest.entry.name });
    earliest.at = nextAllowedFire(earliest.entry.series, rules, earliest.at);
  }
  return fires;
}
