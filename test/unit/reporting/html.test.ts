// report.html: self-contained, a chart per probe with its tolerance band, fault windows and every
// deviation point, the fault Gantt, and the same sections as report.md.
import test from 'ava';
import type { JournalSample } from '../../../src/engine/journal.ts';
import { renderHtml } from '../../../src/reporting/html.ts';
import { renderMarkdown } from '../../../src/reporting/markdown.ts';
import { renderProbeChart } from '../../../src/reporting/svg-chart.ts';
import { loadFixture, start } from './journal-builder.ts';

test('self-contained: no script, no external resource, and a policy that forbids them', (t) => {
  const html = renderHtml(loadFixture('deviated-fragile-latency'));
  t.false(/<script|<link|<img|<iframe|<object|@import|url\(|\ssrc=/i.test(html));
  t.regex(
    html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/,
  );
  t.regex(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  t.regex(html, /@media print\{/);
  t.regex(html, /@media \(max-width:640px\)\{/);
});

test('a chart per probe: tolerance band, fault window shaded, every sample out of tolerance marked', (t) => {
  const journal = loadFixture('deviated-fragile-latency');
  const html = renderHtml(journal);
  const charts = html.match(/<svg class="chart"/g) ?? [];
  t.is(charts.length, 2);
  t.is((html.match(/<rect class="band"/g) ?? []).length, 2);
  t.is((html.match(/<rect class="shade"/g) ?? []).length, 2, 'slow-catalog shaded in both charts');
  const misses = journal.samples.filter((s) => s.outcome !== 'ok').length;
  t.is((html.match(/class="miss"/g) ?? []).length, misses);
  t.regex(html, /<svg class="gantt"/);
  t.regex(html, /<rect class="bar fault"/);
  t.regex(html, /deviation declared/);
});

test('the same sections as the Markdown report', (t) => {
  const journal = loadFixture('held-catalog-partition');
  const html = renderHtml(journal);
  const md = renderMarkdown(journal);
  const htmlTitles = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
  const mdTitles = [...md.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
  t.deepEqual(htmlTitles, mdTitles);
  t.true(htmlTitles.length >= 10);
});

test('charts of long runs keep at most two points per pixel column, and every deviation point', (t) => {
  const samples: JournalSample[] = Array.from({ length: 3_600 }, (_, i) => ({
    probe: 'p',
    at: start + i * 1_000,
    outcome: i % 97 === 0 ? 'out-of-tolerance' : 'ok',
    value: i % 97 === 0 ? 900 : 100 + (i % 13),
    detail: 'd',
    durationMs: 3,
    attempts: 1,
    phase: 'method',
    role: 'hypothesis',
  }));
  const svg = renderProbeChart({
    title: 'p',
    axis: { label: 'latency', unit: 'ms', tolerance: { below: 500 } },
    samples,
    origin: start,
    end: start + 3_600_000,
    shades: [{ label: 'f', from: start + 600_000, to: start + 1_200_000 }],
    gapMs: 2_500,
  });
  const path = /<path class="line" d="M([^"]*)"/.exec(svg)?.[1] ?? '';
  const points = path.split('L').length;
  t.true(points <= 2 * 700, `${points} points`);
  t.true(points > 600);
  t.is((svg.match(/class="miss"/g) ?? []).length, Math.ceil(3_600 / 97));
  t.false(svg.includes('class="dot"'), 'no dot per sample on a long run');
});
