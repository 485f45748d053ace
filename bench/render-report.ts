// Rendering time and size of the reports for a long run: a synthetic journal of a 1-hour run with
// 5 hypothesis probes sampled every second (18 000 samples), against a 1-minute one. Renders
// report.md, report.html and junit.xml the way writeReports does (the analysis once, then the three
// formats), several times, and prints the median. Targets: under 1 s and under 2 MB for the hour.
// Usage: npm run bench:report [-- --iterations 9]
import type { Journal } from '../src/engine/journal.ts';
import { deriveFindings } from '../src/reporting/derive-findings.ts';
import { renderHtml } from '../src/reporting/html.ts';
import { renderJunit } from '../src/reporting/junit.ts';
import { renderMarkdown } from '../src/reporting/markdown.ts';
import { syntheticJournal } from './render-report-journal.ts';

const iterations = Number(process.argv[process.argv.indexOf('--iterations') + 1]) || 9;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function measure(journal: Journal) {
  const times: number[] = [];
  let sizes = { md: 0, html: 0, junit: 0 };
  for (let i = 0; i < iterations + 2; i++) {
    const started = performance.now();
    const findings = deriveFindings(journal);
    const md = renderMarkdown(journal, findings);
    const html = renderHtml(journal, findings);
    const junit = renderJunit(journal, findings);
    const elapsed = performance.now() - started;
    if (i >= 2) times.push(elapsed); // two warm-up rounds
    sizes = { md: Buffer.byteLength(md), html: Buffer.byteLength(html), junit: Buffer.byteLength(junit) };
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), sizes };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const hour = syntheticJournal(3_600_000);
const minute = syntheticJournal(60_000);
const journalBytes = Buffer.byteLength(JSON.stringify(hour, null, 2));
const long = measure(hour);
const short = measure(minute);
console.log(
  `render md + html + junit (analysis once), median of ${iterations} after 2 warm-ups, Node ${process.version}:`,
);
for (const [label, journal, m] of [
  ['1 hour  ', hour, long],
  ['1 minute', minute, short],
] as const) {
  console.log(
    `  ${label}: ${journal.samples.length} samples, ${journal.events.length} events -> ${m.medianMs.toFixed(1)} ms (min ${m.minMs.toFixed(1)}, max ${m.maxMs.toFixed(1)}); html ${kb(m.sizes.html)}, md ${kb(m.sizes.md)}, junit ${kb(m.sizes.junit)}`,
  );
}
console.log(`  1-hour journal.json itself: ${kb(journalBytes)}`);
console.log(
  `  hour / minute: time ${(long.medianMs / short.medianMs).toFixed(1)}x, html size ${(long.sizes.html / short.sizes.html).toFixed(2)}x (for 60x the samples)`,
);
const ok = long.medianMs < 1_000 && long.sizes.html < 2 * 1024 * 1024;
console.log(`  target (1 hour under 1 s and html under 2 MB): ${ok ? 'met' : 'MISSED'}`);
if (!ok) process.exitCode = 1;
