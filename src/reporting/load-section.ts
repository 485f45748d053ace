// The report's section on the load streams: what each sent, what it cost per fault window ("during
// slow-catalog: 4 812 requests, 0 lost, p99 212 ms"), per phase and over the whole run, and where
// the HTML report puts its charts. Markdown and HTML render the same blocks; JUnit the same figures.
import type { JournalLoadStream } from '../engine/journal-load.ts';
import { formatRate } from '../experiment/rate.ts';
import { describeLostBy } from '../load/judge-window.ts';
import type { WindowSummary } from '../load/start-load.ts';
import { formatDuration, formatNumber } from './format-time.ts';
import type { Block, Cell, Section } from './report-document.ts';

/** 4812 as "4 812". */
export const formatCount = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

const ms = (value: number | undefined) => (value === undefined ? '—' : formatNumber(value));

export function describeLoadStream(stream: JournalLoadStream): string {
  const rate = stream.ramp
    ? `${formatRate(stream.ramp.fromPerSecond)} ramping to ${formatRate(stream.ratePerSecond)} over ${formatDuration(stream.ramp.overMs)}`
    : formatRate(stream.ratePerSecond);
  const status =
    stream.expectStatus === undefined
      ? 'any 2xx or 3xx'
      : Array.isArray(stream.expectStatus)
        ? `status ${stream.expectStatus.join(' or ')}`
        : `status ${stream.expectStatus}`;
  return `${stream.method} ${stream.url} at ${rate}, timeout ${formatDuration(stream.timeoutMs)}, expecting ${status}`;
}

// "4 812 requests, 0 lost, p99 212 ms"
export function describeWindow(summary: WindowSummary): string {
  const lost =
    summary.lost === 0 ? '0 lost' : `${formatCount(summary.lost)} lost (${describeLostBy(summary)})`;
  const p99 = summary.latency ? `, p99 ${formatNumber(summary.latency.p99Ms)} ms` : ', no answer';
  return `${formatCount(summary.sent)} requests, ${lost}${p99}`;
}

const notSentOf = (summary: WindowSummary) => summary.notSent.inFlightCap + summary.notSent.late;

/** sent / due: below 1 when the generator could not send everything on time. */
export const sentShare = (summary: WindowSummary) => {
  const due = summary.sent + notSentOf(summary);
  return due === 0 ? 1 : summary.sent / due;
};

function row(label: string, summary: WindowSummary): Cell[] {
  const latency = summary.latency;
  return [
    label,
    formatCount(summary.sent),
    summary.lost === 0 ? { text: '0', tone: 'good' } : { text: formatCount(summary.lost), tone: 'bad' },
    summary.lost === 0 ? '—' : describeLostBy(summary),
    notSentOf(summary) === 0 ? '0' : { text: formatCount(notSentOf(summary)), tone: 'warn' },
    formatNumber(summary.throughput),
    ms(latency?.p50Ms),
    ms(latency?.p95Ms),
    ms(latency?.p99Ms),
    ms(latency?.maxMs),
  ];
}

function streamBlocks(stream: JournalLoadStream): Block[] {
  const blocks: Block[] = [
    { kind: 'paragraph', lead: `${stream.name}:`, text: `${describeLoadStream(stream)}.` },
  ];
  const total = stream.total;
  if (!total) {
    blocks.push({ kind: 'paragraph', text: 'The stream did not stop cleanly: the journal has no totals.' });
    return blocks;
  }
  const during = (stream.faultWindows ?? []).map((w) => ({
    text: `During ${w.fault}: ${describeWindow(w.summary)}.`,
    lost: w.summary.lost,
  }));
  for (const sentence of during)
    blocks.push({ kind: 'paragraph', text: sentence.text, tone: sentence.lost === 0 ? 'good' : 'bad' });
  if (stream.judgement)
    blocks.push({
      kind: 'paragraph',
      lead: 'Whole run:',
      text: `${stream.judgement.ok ? 'within' : 'OUTSIDE'} its tolerances: ${stream.judgement.detail}.`,
      tone: stream.judgement.ok ? 'good' : 'bad',
    });
  if (sentShare(total) < 1)
    blocks.push({
      kind: 'paragraph',
      text: `The generator sent ${formatCount(total.sent)} of the ${formatCount(total.sent + notSentOf(total))} requests due (${Math.round(sentShare(total) * 100)} %): ${formatCount(total.notSent.late)} too late, ${formatCount(total.notSent.inFlightCap)} at the in-flight cap of ${stream.maxInFlight}. They are not lost requests: the generator could not send them.`,
      tone: sentShare(total) < 0.9 ? 'warn' : 'info',
    });
  const rows = [
    row('whole run', total),
    ...(stream.faultWindows ?? []).map((w) => row(`during ${w.fault}`, w.summary)),
    // A phase the stream spent no whole second in (a revert of a few ms) has nothing to show.
    ...(stream.phases ?? [])
      .filter((p) => p.summary.sent + notSentOf(p.summary) > 0)
      .map((p) => row(p.phase, p.summary)),
  ];
  blocks.push({
    kind: 'table',
    headers: [
      'Window',
      'Requests',
      'Lost',
      'Lost by cause',
      'Not sent',
      'ok/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
    ],
    rows,
  });
  return blocks;
}

export function buildLoadSection(streams: readonly JournalLoadStream[]): Section | undefined {
  if (streams.length === 0) return undefined;
  return {
    id: 'load',
    title: 'Load and lost requests',
    blocks: [
      {
        kind: 'paragraph',
        text: 'Each stream sent requests at a constant rate from before the steady state was checked until after it was checked again. A lost request was sent and not answered as expected: a wrong status, a timeout or a connection failure. Requests the generator could not send on time are counted apart and are never lost requests. Latency runs from each request’s intended send time; windows are taken at whole seconds of it.',
      },
      ...streams.flatMap(streamBlocks),
      { kind: 'load-charts' },
    ],
  };
}
