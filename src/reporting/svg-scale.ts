import { formatAxisOffset, formatNumber } from './format-time.ts';

// Shared geometry of the inline SVG charts: a time axis from the run's start, and a value axis.

export type TimeScale = {
  x: (at: number) => number;
  origin: number;
  end: number;
  left: number;
  right: number;
};

export function timeScale(origin: number, end: number, left: number, right: number): TimeScale {
  const span = Math.max(1, end - origin);
  return { x: (at) => left + ((at - origin) / span) * (right - left), origin, end, left, right };
}

const timeSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 14_400].map(
  (s) => s * 1_000,
);

// Tick offsets (ms from the origin) for about `count` labels.
export function timeTicks(spanMs: number, count = 7): number[] {
  const step = timeSteps.find((s) => spanMs / s <= count) ?? (timeSteps[timeSteps.length - 1] as number);
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs; t += step) ticks.push(t);
  return ticks;
}

// "Nice" value ticks covering [low, high]: steps of 1, 2 or 5 times a power of ten.
export function valueTicks(low: number, high: number, count = 4): number[] {
  const span = high - low || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step / 1e6; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export const fixed = (n: number) => (Math.round(n * 10) / 10).toString();

// The time axis: vertical grid lines and "+m:ss" labels under the plot.
export function renderTimeAxis(scale: TimeScale, top: number, bottom: number): string {
  return timeTicks(scale.end - scale.origin)
    .map((offset) => {
      const at = scale.x(scale.origin + offset);
      const x = fixed(at);
      // The first and last labels stay within the plot's edges (clear of the value axis's labels).
      const anchor = at > scale.right - 24 ? 'end' : at < scale.left + 24 ? 'start' : 'middle';
      return `<line class="grid" x1="${x}" x2="${x}" y1="${top}" y2="${bottom}"/><text class="tick" x="${x}" y="${bottom + 14}" text-anchor="${anchor}">${formatAxisOffset(offset)}</text>`;
    })
    .join('');
}

export const formatTick = formatNumber;
