// Lost requests as a verdict, repeated: the experiment experiments/no-request-lost-under-reset-catalog.yaml
// run through the real CLI against the sandbox's fragile and resilient storefronts, alternately,
// --runs times each. The fragile storefront passes a catalog failure on (502s: lost requests) and
// must deviate, detected by the first sample of the hypothesis taken after the first lost request;
// the resilient one answers a degraded page and must hold with nothing lost. Any other verdict is a
// wrong one. Usage (scripts/testenv.sh up first; best on a quiet machine):
//
//   npm run bench:load-verdicts [-- --runs 10 --rate 200 --toxic reset_peer|timeout]
//
// --toxic timeout replaces the reset with Toxiproxy's `timeout` toxic (the catalog connection is
// held for 1 s without an answer, then closed). Per run it prints the verdict, the requests sent
// and lost in the fault window (lost by cause: wrong status / timeout / connection failure), when
// the first request was lost after the injection, and the detection time: from the end of the first
// lost request to the end of the sample that deviated. "next" says whether that sample was the
// first one to start after the loss (detection within one during.every). A fragile run that
// deviates from a request lost before the injection counts as wrong. Then the wrong verdicts
// out of N per storefront and the detection times' median and max. Exits 1 on any wrong verdict.
// The load average is printed before and after: a busy machine slows the shop and the generator.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Journal } from '../src/engine/journal.ts';
import { journalOf } from '../test/helpers/run-journal.ts';
import { loadSandboxEnv, projectRoot } from '../test/helpers/sandbox-env.ts';

type Storefront = 'fragile' | 'resilient';
type RunFigures = {
  storefront: Storefront;
  verdict: string;
  wrong: boolean;
  sent: number;
  lost: number;
  lostBy: string;
  firstLossMs: number | undefined;
  detectionMs: number | undefined;
  next: boolean | undefined;
  reason: string;
};

const sandbox = loadSandboxEnv();
const flag = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const runs = Number(flag('runs', '10'));
const rate = Number(flag('rate', '200'));
const toxic = flag('toxic', 'reset_peer');
if (!(runs > 0) || !(rate > 0) || (toxic !== 'reset_peer' && toxic !== 'timeout')) {
  process.stderr.write('usage: bench/load-verdicts.ts [--runs N] [--rate N] [--toxic reset_peer|timeout]\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'faultline-load-verdicts-'));
const env = { ...process.env, ...sandbox, FAULTLINE_LEDGER: join(dir, 'ledger.jsonl'), NO_COLOR: '1' };

// The shipped experiment at --rate, with --toxic on the catalog.
function writeVariant(): string {
  const shipped = `${projectRoot}experiments/no-request-lost-under-reset-catalog.yaml`;
  const document = parse(readFileSync(shipped, 'utf8'));
  document.spec.load[0].rate = `${rate}/s`;
  const fault = document.spec.faults[0].toxiproxy;
  fault.toxic = toxic;
  fault.attributes = { timeout: toxic === 'timeout' ? 1000 : 0 };
  const file = join(dir, 'experiment.yaml');
  writeFileSync(file, stringify(document));
  return file;
}

function figuresOf(storefront: Storefront, journal: Journal): RunFigures {
  const stream = journal.load?.streams[0];
  const during = stream?.faultWindows?.[0]?.summary;
  const injectedAt = journal.faults[0]?.actions[0]?.injectedAt;
  const firstLostAt = stream?.firstLostAt;
  const deviation = journal.firstDeviation;
  const expected = storefront === 'fragile' ? 'deviated' : 'held';
  const lostDuring = during?.lost ?? 0;
  // For the fragile storefront, the deviation must be the load probe's, from requests lost under
  // the fault: a first loss before the injection (the shop too slow on a busy machine) is not one.
  const lostUnderFault =
    firstLostAt !== undefined && injectedAt !== undefined && firstLostAt >= injectedAt && lostDuring > 0;
  const right =
    journal.verdict === expected &&
    (storefront === 'resilient'
      ? stream?.total?.lost === 0
      : lostUnderFault && deviation?.probe === 'no-request-lost');
  const firstAfterLoss =
    firstLostAt === undefined
      ? undefined
      : journal.samples.find((s) => s.role === 'hypothesis' && s.phase === 'method' && s.at >= firstLostAt);
  return {
    storefront,
    verdict: journal.verdict ?? 'none',
    wrong: !right,
    sent: during?.sent ?? 0,
    lost: lostDuring,
    lostBy: during
      ? `${during.lostBy.wrongStatus}/${during.lostBy.timeout}/${during.lostBy.connectionFailure}`
      : '-',
    firstLossMs: firstLostAt !== undefined && injectedAt !== undefined ? firstLostAt - injectedAt : undefined,
    detectionMs: deviation && firstLostAt !== undefined ? deviation.at - firstLostAt : undefined,
    next:
      deviation && firstAfterLoss
        ? firstAfterLoss.at + firstAfterLoss.durationMs === deviation.at
        : undefined,
    reason:
      right || journal.verdict !== expected
        ? (journal.reason ?? '')
        : 'not from requests lost under the fault',
  };
}

const noFigures = {
  verdict: 'none',
  wrong: true,
  sent: 0,
  lost: 0,
  lostBy: '-',
  firstLossMs: undefined,
  detectionMs: undefined,
  next: undefined,
};

function runOnce(file: string, storefront: Storefront): RunFigures {
  const vars = storefront === 'fragile' ? ['--var', `STOREFRONT_URL=${sandbox.FRAGILE_STOREFRONT_URL}`] : [];
  const args = [`${projectRoot}cli/faultline.ts`, 'run', file, '--report-dir', join(dir, 'reports'), ...vars];
  const result = spawnSync(process.execPath, args, { cwd: projectRoot, env, encoding: 'utf8' });
  try {
    return figuresOf(storefront, journalOf(result.stdout));
  } catch {
    // No journal: the run failed before it wrote one, which is never a right verdict.
    const why = `no journal, exit ${result.status}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`;
    return { ...noFigures, storefront, reason: why };
  }
}

const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(0));
const columns = ['storefront', 'run', 'verdict', 'sent', 'lost', 'by s/t/c', 'loss+ms', 'seen+ms', 'next'];
const widths = [10, 3, 9, 6, 5, 9, 8, 8, 4];
const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');

function printRow(run: number, f: RunFigures): void {
  const cells = [
    f.storefront,
    String(run),
    f.verdict,
    String(f.sent),
    String(f.lost),
    f.lostBy,
    ms(f.firstLossMs),
    ms(f.detectionMs),
    f.next === undefined ? '-' : f.next ? 'yes' : 'no',
  ];
  process.stdout.write(`${line(cells)}${f.wrong ? `  WRONG: ${f.reason}` : ''}\n`);
}

function printSummary(all: RunFigures[]): number {
  let wrongTotal = 0;
  for (const storefront of ['fragile', 'resilient'] as const) {
    const rows = all.filter((f) => f.storefront === storefront);
    const wrong = rows.filter((f) => f.wrong).length;
    wrongTotal += wrong;
    process.stdout.write(`${storefront}: ${wrong} wrong verdicts out of ${rows.length}`);
    const seen = rows
      .flatMap((f) => (f.detectionMs === undefined ? [] : [f.detectionMs]))
      .sort((a, b) => a - b);
    if (seen.length > 0) {
      const median = seen[Math.floor((seen.length - 1) / 2)] ?? 0;
      const next = rows.filter((f) => f.next).length;
      process.stdout.write(
        `; detection after the first lost request: median ${ms(median)} ms, max ${ms(seen.at(-1))} ms; by the next sample in ${next} of ${seen.length}`,
      );
    }
    process.stdout.write('\n');
  }
  return wrongTotal;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
process.stdout.write(
  `no-request-lost-under-reset-catalog with a ${toxic} toxic at ${rate} req/s, ${runs} runs per storefront (load average ${load()})\n` +
    `  sent/lost: in the fault window; by s/t/c: lost by wrong status/timeout/connection failure;\n` +
    `  loss+ms: first lost request after the injection; seen+ms: deviating sample after the first loss\n\n${line(columns)}\n`,
);
const file = writeVariant();
const all: RunFigures[] = [];
for (let run = 1; run <= runs; run++) {
  for (const storefront of ['fragile', 'resilient'] as const) {
    const figures = runOnce(file, storefront);
    all.push(figures);
    printRow(run, figures);
  }
}
process.stdout.write(`\nload average after: ${load()}\n`);
const wrong = printSummary(all);
process.stdout.write(`\nnpm run bench:load-verdicts -- --runs ${runs} --rate ${rate} --toxic ${toxic}\n`);
process.exitCode = wrong > 0 ? 1 : 0;
