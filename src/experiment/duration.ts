// Durations as the experiment format writes them: a number and one unit, e.g. 500ms, 1.5s, 2m, 1h.
const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

const durationPattern = /^([0-9]+)(?:\.([0-9]+))?(ms|s|m|h)$/;

// Returns milliseconds, or undefined when the text is not a duration. Decimals are computed
// without floating-point drift: 1.234s is exactly 1234.
export function tryParseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text);
  if (!match) return undefined;
  const [, whole = '0', fraction = '', unit = 'ms'] = match;
  const scale = unitMs[unit as keyof typeof unitMs];
  const ms = Number(whole) * scale + (fraction ? (Number(fraction) * scale) / 10 ** fraction.length : 0);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new RangeError(`expected a duration such as 500ms, 30s, 2m or 1h, found ${JSON.stringify(text)}`);
  }
  return ms;
}

// The shortest exact spelling that parseDuration reads back to the same number.
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format ${ms} as a duration`);
  if (ms === 0) return '0s';
  if (ms % unitMs.h === 0) return `${ms / unitMs.h}h`;
  if (ms % unitMs.m === 0) return `${ms / unitMs.m}m`;
  if (ms >= 1_000 && Number.isInteger(ms)) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
