import { escapeHtml } from './escape.ts';
import { formatOffset } from './format-time.ts';
import { fixed, renderTimeAxis, timeScale } from './svg-scale.ts';

export type GanttSegment = {
  from: number;
  /** Undefined: still in place at the end of the run. */
  to?: number;
  /** A CSS class: fault, failed, retried, or phase-<name>. */
  tone: string;
  title: string;
  /** Written inside the bar when it is wide enough. */
  text?: string;
};

export type GanttRow = { label: string; planned?: { from: number; to?: number }; segments: GanttSegment[] };

export type GanttMarker = { at: number; label: string };

export type GanttInput = { origin: number; end: number; rows: GanttRow[]; markers: GanttMarker[] };

const width = 760;
const labelWidth = 190;
const right = width - 14;
const rowHeight = 24;
const charWidth = 6.2;

const shorten = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

// A Gantt-like chart of the run as inline SVG: its phases, then one row per fault action (planned
// window dashed, actual window filled, red when it could not be reverted), with markers such as the
// first deviation.
export function renderGantt(input: GanttInput): string {
  const { origin, end, rows, markers } = input;
  const scale = timeScale(origin, end, labelWidth, right);
  // One line above the rows for each marker's label, so that close markers do not overlap.
  const top = 12 + 11 * Math.max(1, markers.length);
  const bottom = top + rows.length * rowHeight + 4;
  const height = bottom + 26;
  const parts = [
    `<svg class="gantt" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of the run: phases and fault windows" xmlns="http://www.w3.org/2000/svg">`,
    renderTimeAxis(scale, top - 4, bottom),
  ];
  rows.forEach((row, index) => {
    const rowTop = top + index * rowHeight;
    const mid = rowTop + rowHeight / 2;
    parts.push(
      `<text class="row-label" x="${labelWidth - 8}" y="${mid}" dy="4" text-anchor="end">${escapeHtml(shorten(row.label, 28))}<title>${escapeHtml(row.label)}</title></text>`,
    );
    if (row.planned) {
      const x1 = scale.x(row.planned.from);
      const x2 = scale.x(row.planned.to ?? end);
      parts.push(
        `<rect class="planned" x="${fixed(x1)}" y="${rowTop + 2}" width="${fixed(Math.max(1, x2 - x1))}" height="${rowHeight - 4}"><title>planned window</title></rect>`,
      );
    }
    for (const segment of row.segments) {
      const x1 = scale.x(segment.from);
      const x2 = Math.max(x1 + 2, scale.x(segment.to ?? end));
      const when = `${formatOffset(segment.from, origin)} to ${segment.to !== undefined ? formatOffset(segment.to, origin) : 'the end of the run'}`;
      parts.push(
        `<rect class="bar ${escapeHtml(segment.tone)}" x="${fixed(x1)}" y="${rowTop + 5}" width="${fixed(x2 - x1)}" height="${rowHeight - 10}"><title>${escapeHtml(`${segment.title}: ${when}`)}</title></rect>`,
      );
      if (segment.text && segment.text.length * charWidth + 6 < x2 - x1) {
        parts.push(
          `<text class="bar-text" x="${fixed(x1 + 4)}" y="${mid}" dy="3.5">${escapeHtml(segment.text)}</text>`,
        );
      }
    }
  });
  markers.forEach((marker, index) => {
    const x = fixed(scale.x(marker.at));
    const labelY = 12 + 11 * index;
    const label = shorten(marker.label, 48);
    const anchor =
      scale.x(marker.at) + label.length * charWidth > width ? 'dx="-3" text-anchor="end"' : 'dx="3"';
    parts.push(
      `<line class="marker" x1="${x}" x2="${x}" y1="${labelY - 8}" y2="${bottom}"><title>${escapeHtml(`${formatOffset(marker.at, origin)} ${marker.label}`)}</title></line><text class="marker-label" x="${x}" y="${labelY}" ${anchor}>${escapeHtml(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
