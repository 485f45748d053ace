// Runs experiments one after another through the real CLI, as a game day does, then prints a
// summary table (experiment, verdict, time to detect, time to revert, requests its load streams
// lost) and each report's path.
// Usage: node scripts/demo-gameday.ts FILE... (with the sandbox's environment loaded)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Journal } from '../src/engine/journal.ts';

const cli = new URL('../cli/faultline.ts', import.meta.url).pathname;

function runExperiment(file: string): Promise<{ exitCode: number | null; journalFile?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', (exitCode) => resolve({ exitCode, journalFile: /journal: (\S+)/.exec(stdout)?.[1] }));
  });
}

// Lost of sent over the whole run, all its load streams together; — without spec.load.
function lostRequests(journal: Journal): string {
  const totals = (journal.load?.streams ?? []).flatMap((stream) => (stream.total ? [stream.total] : []));
  if (totals.length === 0) return '—';
  const sum = (pick: (total: (typeof totals)[number]) => number) =>
    totals.reduce((n, total) => n + pick(total), 0);
  return `${sum((t) => t.lost)} of ${sum((t) => t.sent)}`;
}

const seconds = (ms: number | undefined) =>
  ms === undefined ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

// Detection: first fault injected to the first out-of-tolerance sample seen. Revert: the longest
// time from a fault's revert starting to all its actions confirmed gone (read back from the target).
function summarize(journal: Journal) {
  const injected = journal.faults.flatMap((f) =>
    f.actions.map((a) => a.injectedAt ?? Number.POSITIVE_INFINITY),
  );
  const firstInjected = Math.min(...injected);
  const detect =
    journal.firstDeviation && Number.isFinite(firstInjected)
      ? journal.firstDeviation.at - firstInjected
      : undefined;
  const started = new Map<string, number>();
  let revert: number | undefined;
  for (const event of journal.events) {
    if (!event.fault) continue;
    if (event.type === 'reverting' && !started.has(event.fault)) started.set(event.fault, event.at);
    const begun = started.get(event.fault);
    if (event.type === 'reverted' && begun !== undefined) revert = Math.max(revert ?? 0, event.at - begun);
  }
  return { detect, revert };
}

const rows: string[][] = [];
const reports: string[] = [];
let worst = 0;
for (const file of process.argv.slice(2)) {
  console.log(`\n=== ${relative(process.cwd(), file)} ===`);
  const { exitCode, journalFile } = await runExperiment(file);
  worst = Math.max(worst, exitCode === 1 ? 0 : (exitCode ?? 1));
  if (!journalFile) {
    rows.push([relative(process.cwd(), file), `failed (exit ${exitCode})`, '—', '—', '—']);
    continue;
  }
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  const { detect, revert } = summarize(journal);
  const name = (journal.experiment as { metadata?: { name?: string } }).metadata?.name ?? file;
  rows.push([name, journal.verdict ?? '?', seconds(detect), seconds(revert), lostRequests(journal)]);
  const html = join(dirname(journalFile), 'report.html');
  reports.push(existsSync(html) ? html : journalFile);
}

const header = ['experiment', 'verdict', 'time to detect', 'time to revert', 'lost requests'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(`\nGame day summary\n\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const row of rows) console.log(line(row));
console.log('\nReports:');
for (const report of reports) console.log(`  ${report}`);
// A deviation is a finding, not a failure of the demo; anything else (invalid input, could not revert) is.
process.exitCode = worst;
