// How reports write times and durations: absolute times in UTC, relative times from the run's start.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// "850 ms", "4.2 s", "1 m 05 s", "1 h 02 m".
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) {
    const seconds = abs / 1_000;
    return `${sign}${seconds < 10 ? seconds.toFixed(1).replace(/\.0$/, '') : Math.round(seconds)} s`;
  }
  const totalSeconds = Math.round(abs / 1_000);
  if (totalSeconds < 3_600) return `${sign}${Math.floor(totalSeconds / 60)} m ${pad(totalSeconds % 60)} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${sign}${Math.floor(totalMinutes / 60)} h ${pad(totalMinutes % 60)} m`;
}

// "+0:12.3" or "+1:02:03.4": time since `origin`, with tenths of a second.
export function formatOffset(at: number, origin: number): string {
  const ms = at - origin;
  const sign = ms < 0 ? '-' : '+';
  const tenths = Math.round(Math.abs(ms) / 100);
  const seconds = Math.floor(tenths / 10) % 60;
  const minutes = Math.floor(tenths / 600) % 60;
  const hours = Math.floor(tenths / 36_000);
  const clock = `${pad(seconds)}.${tenths % 10}`;
  return hours > 0 ? `${sign}${hours}:${pad(minutes)}:${clock}` : `${sign}${minutes}:${clock}`;
}

// A short axis label: "+0:30", "+1:00:00".
export function formatAxisOffset(ms: number): string {
  const total = Math.round(ms / 1_000);
  const hours = Math.floor(total / 3_600);
  const minutes = Math.floor(total / 60) % 60;
  const seconds = total % 60;
  return hours > 0 ? `+${hours}:${pad(minutes)}:${pad(seconds)}` : `+${minutes}:${pad(seconds)}`;
}

// "2026-11-22 06:29:48 UTC".
export function formatDateTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

// "06:29:48.1": the time of day in UTC, with tenths (the date is in the report's header).
export function formatClock(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(11, 19)}.${iso.slice(20, 21)}`;
}

// A measured value, rounded for people: 1207.1, 0.012, 3.
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(value.toFixed(digits)));
}

// Time of day alone when the run stays within one UTC day, with the date otherwise.
export function clockFor(origin: number, end: number): (at: number) => string {
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  return day(origin) === day(end) ? formatClock : (at) => `${day(at)} ${formatClock(at)}`;
}
