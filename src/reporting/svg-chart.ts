import type { JournalSample } from '../engine/journal.ts';
import { numericValue } from './analyze-probes.ts';
import { escapeHtml } from './escape.ts';
import { formatOffset } from './format-time.ts';
import { allowedRange, type ValueAxis } from './probe-tolerance.ts';
import { fixed, formatTick, renderTimeAxis, timeScale, valueTicks } from './svg-scale.ts';

export type ChartShade = { label: string; from: number; to: number; leftInPlace?: boolean };

export type ProbeChartInput = {
  title: string;
  axis: ValueAxis;
  samples: JournalSample[];
  origin: number;
  end: number;
  /** Fault windows, shaded. */
  shades: ChartShade[];
  /** A gap longer than this between two samples breaks the line. */
  gapMs: number;
};

const width = 760;
const height = 210;
const left = 58;
const right = width - 14;
const top = 12;
const bottom = height - 30;
/** Above this many in-tolerance samples, they are drawn as a line only (no dot each). */
const maxDots = 240;

function valueDomain(values: number[], axis: ValueAxis): [number, number] {
  const range = axis.tolerance ? allowedRange(axis.tolerance) : {};
  const all = [...values, range.low, range.high].filter(
    (v): v is number => v !== undefined && Number.isFinite(v),
  );
  if (all.length === 0) return [0, 1];
  let low = Math.min(...all);
  let high = Math.max(...all);
  if (low >= 0) low = 0;
  if (high === low) high = low + 1;
  const pad = (high - low) * 0.08;
  return [low < 0 ? low - pad : low, high + pad];
}

// The line through the numeric samples, at most two points (min, max) per pixel column, broken at gaps.
function linePaths(
  points: { at: number; v: number }[],
  x: (at: number) => number,
  y: (v: number) => number,
  gapMs: number,
) {
  const paths: string[] = [];
  let segment: { at: number; v: number }[] = [];
  const flush = () => {
    if (segment.length > 1) {
      const columns = new Map<number, { at: number; v: number }[]>();
      for (const p of segment) {
        const column = Math.floor(x(p.at));
        const bucket = columns.get(column);
        if (!bucket) columns.set(column, [p, p]);
        else {
          if (p.v < (bucket[0] as { v: number }).v) bucket[0] = p;
          if (p.v > (bucket[1] as { v: number }).v) bucket[1] = p;
        }
      }
      const kept = [...columns.values()]
        .flatMap(([min, max]) => (min === max ? [min] : [min, max]))
        .filter((p): p is { at: number; v: number } => p !== undefined)
        .sort((a, b) => a.at - b.at);
      paths.push(`M${kept.map((p) => `${fixed(x(p.at))} ${fixed(y(p.v))}`).join('L')}`);
    }
    segment = [];
  };
  let previous: number | undefined;
  for (const point of points) {
    if (previous !== undefined && point.at - previous > gapMs) flush();
    segment.push(point);
    previous = point.at;
  }
  flush();
  return paths;
}

// One probe over the run, as inline SVG: its values, the tolerance band, the fault windows shaded,
// every sample outside tolerance marked (none is dropped by the downsampling of the line).
export function renderProbeChart(input: ProbeChartInput): string {
  const { axis, samples, origin, end } = input;
  const scale = timeScale(origin, end, left, right);
  const numeric = samples
    .map((s) => ({ at: s.at, v: numericValue(s), s }))
    .filter((p): p is { at: number; v: number; s: JournalSample } => p.v !== undefined);
  const [low, high] = valueDomain(
    numeric.map((p) => p.v),
    axis,
  );
  const y = (v: number) =>
    bottom - ((Math.min(Math.max(v, low), high) - low) / (high - low)) * (bottom - top);
  const parts: string[] = [];
  const unit = axis.unit ? ` (${axis.unit})` : '';
  parts.push(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(`${input.title}: ${axis.label}${unit} over time`)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  for (const shade of input.shades) {
    const x1 = scale.x(Math.max(shade.from, origin));
    const x2 = Math.max(x1 + 1, scale.x(Math.min(shade.to, end)));
    parts.push(
      `<rect class="${shade.leftInPlace ? 'shade left-in-place' : 'shade'}" x="${fixed(x1)}" y="${top}" width="${fixed(x2 - x1)}" height="${bottom - top}"><title>${escapeHtml(shade.label)}</title></rect>`,
    );
  }
  const range = axis.tolerance ? allowedRange(axis.tolerance) : {};
  // A band only for numeric bounds: `equals: "True"` has none to draw.
  if (range.low !== undefined || range.high !== undefined) {
    const yHigh = y(range.high ?? high);
    const yLow = y(range.low ?? low);
    parts.push(
      `<rect class="band" x="${left}" y="${fixed(yHigh)}" width="${right - left}" height="${fixed(Math.max(1, yLow - yHigh))}"/>`,
    );
    for (const bound of [range.low, range.high]) {
      if (bound === undefined) continue;
      parts.push(
        `<line class="bound" x1="${left}" x2="${right}" y1="${fixed(y(bound))}" y2="${fixed(y(bound))}"/>`,
      );
    }
  }
  for (const tick of valueTicks(low, high)) {
    const ty = fixed(y(tick));
    parts.push(
      `<line class="grid" x1="${left}" x2="${right}" y1="${ty}" y2="${ty}"/><text class="tick" x="${left - 6}" y="${ty}" dy="4" text-anchor="end">${escapeHtml(formatTick(tick))}</text>`,
    );
  }
  parts.push(renderTimeAxis(scale, top, bottom));
  parts.push(`<rect class="frame" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/>`);
  for (const path of linePaths(numeric, scale.x, y, input.gapMs))
    parts.push(`<path class="line" d="${path}"/>`);
  const ok = numeric.filter((p) => p.s.outcome === 'ok');
  if (ok.length <= maxDots) {
    for (const p of ok)
      parts.push(`<circle class="dot" cx="${fixed(scale.x(p.at))}" cy="${fixed(y(p.v))}" r="2"/>`);
  }
  // Samples without a number (a status string, a boolean): a tick at the bottom when in tolerance.
  const okWithoutValue = samples.filter((s) => s.outcome === 'ok' && numericValue(s) === undefined);
  if (okWithoutValue.length > 0 && okWithoutValue.length <= maxDots * 4) {
    const ticks = okWithoutValue.map((s) => `M${fixed(scale.x(s.at))} ${bottom - 7}v6`).join('');
    parts.push(`<path class="ok-tick" d="${ticks}"/>`);
  }
  for (const s of samples) {
    if (s.outcome === 'ok') continue;
    const v = numericValue(s);
    const cx = fixed(scale.x(s.at));
    const label = `<title>${escapeHtml(`${formatOffset(s.at, origin)} ${s.outcome}: ${s.detail}`)}</title>`;
    parts.push(
      v === undefined
        ? `<path class="miss" d="M${cx} ${top + 2}l4 7h-8z">${label}</path>`
        : `<circle class="miss" cx="${cx}" cy="${fixed(y(v))}" r="3.5">${label}</circle>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="12" y="${(top + bottom) / 2}" transform="rotate(-90 12 ${(top + bottom) / 2})" text-anchor="middle">${escapeHtml(`${axis.label}${unit}`)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
