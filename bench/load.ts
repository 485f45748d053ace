// Faultline's load generator against vegeta, side by side in one run, on this machine:
//
//   npm run bench:load [-- --rates 500,1000,2000,4000,8000,16000 --seconds 5 --timeout-ms 2000
//                          --vegeta-procs N]
//
// Both send GET at a constant rate to the same local target (bench/load-target.ts: a Node HTTP
// server in its own process answering 200 "ok\n" at once, keep-alive), one after the other at each
// rate (alternating which goes first), each in a process of its own. Both send every request
// however late they get to it (vegeta always does; Faultline's child sets lateAfterMs to infinity
// and counts the requests over its streams' default 10 ms beside, as `late>10ms`). A rate is held
// when the requests went out within 1 % of the target rate (requests / span of sending, vegeta's
// `rate`) and of rate x duration, with no generator-side drop and every answer a 200. Per rate:
// p50/p99 (Faultline's from each request's intended send time, as the product measures, and its
// p99 from the actual send, as vegeta measures), CPU time per 1 000 requests (Faultline:
// process.cpuUsage() around the run inside its child, after a 200-request warm-up; vegeta: user +
// system of its whole attack process from /usr/bin/time). Then the highest rate each held, and
// ratios at the highest rate both held. vegeta is built once (Go module proxy) into
// ~/.cache/faultline/vegeta-<version>/. The machine's load average is printed before and after.
// Faultline's generator is one thread (Node); vegeta runs on every core by default. On a machine
// shared with other work the kernel shares CPU time out per runnable thread, so vegeta also gets
// more of it: --vegeta-procs 1 (GOMAXPROCS) compares them on one core each.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttackFigures, ensureVegeta, runVegeta, vegetaVersion } from './load-vegeta.ts';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const rates = argument('rates', '500,1000,2000,4000,8000,16000').split(',').map(Number);
const durationMs = Number(argument('seconds', '5')) * 1000;
const timeoutMs = Number(argument('timeout-ms', '2000'));
const vegetaProcs = argument('vegeta-procs', '') || undefined;
const benchDir = new URL('./', import.meta.url).pathname;

type Row = {
  tool: 'faultline' | 'vegeta';
  rate: number;
  achieved: number;
  drops: number | undefined;
  /** Faultline only: requests sent more than 10 ms late, which a stream's default would drop. */
  late: number | undefined;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** Faultline only: p99 from the actual send, as vegeta measures. */
  p99FromSendMs: number | undefined;
  cpuPer1000Ms: number;
  held: boolean;
};

async function startTarget() {
  const child = spawn(process.execPath, [join(benchDir, 'load-target.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${String(chunk).trim()}/`, stop: () => child.kill('SIGTERM') };
}

async function runFaultline(url: string, rate: number): Promise<Row> {
  const child = spawn(
    process.execPath,
    [join(benchDir, 'load-faultline-run.ts'), url, String(rate), String(durationMs), String(timeoutMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the Faultline run at ${rate}/s exited ${code}`);
  const run = JSON.parse(output);
  const expected = (rate * durationMs) / 1000;
  return {
    tool: 'faultline',
    rate,
    achieved: run.sendRate,
    drops: run.notSent,
    late: run.lateOver10Ms,
    failed: run.sent - run.ok,
    p50Ms: run.p50Ms,
    p99Ms: run.p99Ms,
    p99FromSendMs: run.p99FromSendMs,
    cpuPer1000Ms: (run.cpuMs / run.sent) * 1000,
    held:
      run.notSent === 0 && run.sent >= expected * 0.99 && run.sendRate >= rate * 0.99 && run.ok === run.sent,
  };
}

function vegetaRow(rate: number, figures: AttackFigures): Row {
  return {
    tool: 'vegeta',
    rate,
    achieved: figures.rate,
    drops: undefined,
    late: undefined,
    failed: Math.round(figures.requests * (1 - figures.success)),
    p50Ms: figures.p50Ms,
    p99Ms: figures.p99Ms,
    p99FromSendMs: undefined,
    cpuPer1000Ms: (figures.cpuMs / figures.requests) * 1000,
    held:
      figures.rate >= rate * 0.99 &&
      figures.requests >= (rate * durationMs * 0.99) / 1000 &&
      figures.success === 1,
  };
}

const format = (row: Row) =>
  [
    row.tool.padEnd(9),
    String(row.rate).padStart(6),
    row.achieved.toFixed(0).padStart(8),
    String(row.drops ?? '-').padStart(6),
    String(row.late ?? '-').padStart(9),
    String(row.failed).padStart(6),
    row.p50Ms.toFixed(2).padStart(8),
    row.p99Ms.toFixed(2).padStart(8),
    (row.p99FromSendMs?.toFixed(2) ?? '-').padStart(10),
    row.cpuPer1000Ms.toFixed(0).padStart(10),
    row.held ? 'held' : 'not held',
  ].join('  ');

function printSummary(rows: Row[]): void {
  const highest = (tool: Row['tool']) =>
    Math.max(0, ...rows.filter((row) => row.tool === tool && row.held).map((row) => row.rate));
  const faultlineHeld = highest('faultline');
  const vegetaHeld = highest('vegeta');
  const punctual = Math.max(
    0,
    ...rows.filter((row) => row.tool === 'faultline' && row.held && row.late === 0).map((row) => row.rate),
  );
  const common = Math.min(faultlineHeld, vegetaHeld);
  const at = (tool: Row['tool']) => rows.find((row) => row.tool === tool && row.rate === common);
  const cpu = (tool: Row['tool']) => at(tool)?.cpuPer1000Ms ?? Number.NaN;
  process.stdout.write(
    `\nhighest rate held: faultline ${faultlineHeld}/s, vegeta ${vegetaHeld}/s; ratio ${(faultlineHeld / vegetaHeld).toFixed(2)} (goal >= 0.8)\n` +
      `highest rate faultline held with no request over 10 ms late (its streams' default drop): ${punctual}/s\n`,
  );
  if (common > 0) {
    const ours = at('faultline');
    const theirs = at('vegeta')?.p99Ms ?? Number.NaN;
    const ratio = (value: number | undefined) => ((value ?? Number.NaN) / theirs).toFixed(2);
    process.stdout.write(
      `at ${common}/s: p99 vegeta ${theirs.toFixed(2)} ms (from send); faultline ${ours?.p99FromSendMs?.toFixed(2)} ms from send, ratio ${ratio(ours?.p99FromSendMs)} (goal <= 1.10); ` +
        `${ours?.p99Ms.toFixed(2)} ms from the intended time, ratio ${ratio(ours?.p99Ms)}\n` +
        `at ${common}/s: CPU per 1 000 requests faultline ${cpu('faultline').toFixed(0)} ms, vegeta ${cpu('vegeta').toFixed(0)} ms; ratio ${(cpu('faultline') / cpu('vegeta')).toFixed(2)}\n`,
    );
  }
}

const uptime = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
const vegeta = ensureVegeta();
const workDir = mkdtempSync(join(tmpdir(), 'faultline-bench-load-'));
const target = await startTarget();
process.stdout.write(
  `bench:load — ${cpus().length} CPUs, load average ${uptime()}; ${durationMs / 1000} s per rate, timeout ${timeoutMs} ms; vegeta v${vegetaVersion}${vegetaProcs ? ` (GOMAXPROCS=${vegetaProcs})` : ''}; target ${target.url}\n\n` +
    `tool        rate  achieved   drops  late>10ms  failed   p50 ms   p99 ms  p99 send  CPU/1000 ms  verdict\n`,
);
const rows: Row[] = [];
try {
  for (const [index, rate] of rates.entries()) {
    const order = index % 2 === 0 ? (['faultline', 'vegeta'] as const) : (['vegeta', 'faultline'] as const);
    const pair: Row[] = [];
    for (const tool of order) {
      pair.push(
        tool === 'faultline'
          ? await runFaultline(target.url, rate)
          : vegetaRow(
              rate,
              await runVegeta(vegeta, workDir, target.url, rate, durationMs, timeoutMs, vegetaProcs),
            ),
      );
    }
    pair.sort((a, b) => a.tool.localeCompare(b.tool));
    for (const row of pair) process.stdout.write(`${format(row)}\n`);
    rows.push(...pair);
    if (pair.every((row) => !row.held)) break;
  }
  printSummary(rows);
  process.stdout.write(`load average after: ${uptime()}\n`);
} finally {
  target.stop();
  rmSync(workDir, { recursive: true, force: true });
}
