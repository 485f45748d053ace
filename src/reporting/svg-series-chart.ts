import { escapeHtml } from './escape.ts';
import type { ChartShade } from './svg-chart.ts';
import { fixed, formatTick, renderTimeAxis, timeScale, valueTicks } from './svg-scale.ts';

// A few series of per-second figures over the run as inline SVG (a load stream's throughput, lost
// requests, latency percentiles), with the fault windows shaded. A missing second breaks a line.

export type SeriesPoint = { at: number; value: number };
export type Series = {
  label: string;
  tone: 'accent' | 'bad' | 'muted' | 'good' | 'warn';
  points: SeriesPoint[];
};

export type SeriesChartInput = {
  title: string;
  unit: string;
  series: Series[];
  origin: number;
  end: number;
  shades: ChartShade[];
  /** Points further apart than this are not joined. */
  gapMs: number;
};

const width = 760;
const height = 170;
const left = 58;
const right = width - 14;
const top = 10;
const bottom = height - 28;

function paths(points: SeriesPoint[], x: (at: number) => number, y: (v: number) => number, gapMs: number) {
  const segments: string[] = [];
  let current: string[] = [];
  let previous: number | undefined;
  for (const point of points) {
    if (previous !== undefined && point.at - previous > gapMs && current.length > 0) {
      segments.push(current.join(''));
      current = [];
    }
    current.push(`${current.length === 0 ? 'M' : 'L'}${fixed(x(point.at))} ${fixed(y(point.value))}`);
    previous = point.at;
  }
  if (current.length > 0) segments.push(current.join(''));
  // A single point is a dot, not an invisible path.
  return segments.map((d) => (d.includes('L') ? d : `${d}h0.1`));
}

export function renderSeriesChart(input: SeriesChartInput): string {
  const { origin, end } = input;
  const scale = timeScale(origin, end, left, right);
  const x = (at: number) => scale.x(Math.min(Math.max(at, origin), end));
  const values = input.series.flatMap((s) => s.points.map((p) => p.value)).filter(Number.isFinite);
  const high = Math.max(1, ...values) * 1.08;
  const y = (v: number) => bottom - (Math.min(Math.max(v, 0), high) / high) * (bottom - top);
  const unit = input.unit ? ` (${input.unit})` : '';
  const parts = [
    `<svg class="chart series" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(`${input.title}${unit} per second over time`)}" xmlns="http://www.w3.org/2000/svg">`,
  ];
  for (const shade of input.shades) {
    const x1 = scale.x(Math.max(shade.from, origin));
    const x2 = Math.max(x1 + 1, scale.x(Math.min(shade.to, end)));
    parts.push(
      `<rect class="${shade.leftInPlace ? 'shade left-in-place' : 'shade'}" x="${fixed(x1)}" y="${top}" width="${fixed(x2 - x1)}" height="${bottom - top}"><title>${escapeHtml(shade.label)}</title></rect>`,
    );
  }
  for (const tick of valueTicks(0, high)) {
    const ty = fixed(y(tick));
    parts.push(
      `<line class="grid" x1="${left}" x2="${right}" y1="${ty}" y2="${ty}"/><text class="tick" x="${left - 6}" y="${ty}" dy="4" text-anchor="end">${escapeHtml(formatTick(tick))}</text>`,
    );
  }
  parts.push(renderTimeAxis(scale, top, bottom));
  parts.push(`<rect class="frame" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/>`);
  for (const series of input.series) {
    for (const d of paths(series.points, x, y, input.gapMs))
      parts.push(
        `<path class="series-line tone-${series.tone}" d="${d}"><title>${escapeHtml(series.label)}</title></path>`,
      );
  }
  parts.push(
    `<text class="axis-label" x="12" y="${(top + bottom) / 2}" transform="rotate(-90 12 ${(top + bottom) / 2})" text-anchor="middle">${escapeHtml(`${input.title}${unit}`)}</text>`,
    '</svg>',
  );
  return parts.join('');
}
