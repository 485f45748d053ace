import type { JournalLoadStream } from '../engine/journal-load.ts';
import type { SerializedBucket } from '../load/start-load.ts';
import { escapeHtml } from './escape.ts';
import { describeLoadStream } from './load-section.ts';
import type { ChartShade } from './svg-chart.ts';
import { renderSeriesChart, type Series } from './svg-series-chart.ts';

// Each load stream over time, per second of intended send time: throughput (sent and answered as
// expected), lost requests (and what the generator could not send), latency percentiles; the
// fault windows shaded as in the probes' charts.

type Frame = { origin: number; end: number; shades: ChartShade[] };

// A step per second: the figure holds for the whole second it counts.
const pointsOf = (buckets: SerializedBucket[], value: (b: SerializedBucket) => number | undefined) =>
  buckets.flatMap((b) => {
    const v = value(b);
    return v === undefined
      ? []
      : [
          { at: b.second * 1000, value: v },
          { at: b.second * 1000 + 999, value: v },
        ];
  });

function streamFigure(stream: JournalLoadStream, frame: Frame): string {
  const buckets = stream.buckets ?? [];
  const chart = (title: string, unit: string, series: Series[]) =>
    renderSeriesChart({ title, unit, series, ...frame, gapMs: 1000 });
  const lostOf = (b: SerializedBucket) => b.wrongStatus + b.timeout + b.connectionFailure;
  const throughput = chart('requests', 'per second', [
    { label: 'sent', tone: 'muted', points: pointsOf(buckets, (b) => b.sent) },
    { label: 'answered as expected', tone: 'good', points: pointsOf(buckets, (b) => b.ok) },
  ]);
  const lost = chart('lost', 'per second', [
    { label: 'lost requests', tone: 'bad', points: pointsOf(buckets, lostOf) },
    {
      label: 'not sent by the generator',
      tone: 'warn',
      points: pointsOf(buckets, (b) => b.notSentInFlightCap + b.notSentLate),
    },
  ]);
  const latency = chart('latency', 'ms', [
    { label: 'p50', tone: 'good', points: pointsOf(buckets, (b) => b.p50Ms) },
    { label: 'p95', tone: 'accent', points: pointsOf(buckets, (b) => b.p95Ms) },
    { label: 'p99', tone: 'bad', points: pointsOf(buckets, (b) => b.p99Ms) },
  ]);
  const legend = (items: [string, string][]) =>
    `<p class="legend">${items.map(([tone, label]) => `<span class="l-${tone}">${escapeHtml(label)}</span>`).join('')}<span class="l-fault">fault in place</span></p>`;
  return `<figure><figcaption><strong>${escapeHtml(stream.name)}</strong> · ${escapeHtml(describeLoadStream(stream))}</figcaption>${throughput}${legend(
    [
      ['muted', 'sent'],
      ['good', 'answered as expected'],
    ],
  )}${lost}${legend([
    ['bad', 'lost requests'],
    ['warn', 'not sent by the generator'],
  ])}${latency}${legend([
    ['good', 'p50'],
    ['accent', 'p95'],
    ['bad', 'p99'],
  ])}</figure>`;
}

export function renderLoadCharts(streams: readonly JournalLoadStream[], frame: Frame): string {
  if (streams.length === 0) return '';
  return `<h3>Load over time</h3>${streams.map((stream) => streamFigure(stream, frame)).join('')}`;
}
