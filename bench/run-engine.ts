// Benchmarks of the run engine against the sandbox (scripts/testenv.sh up first):
//   (a) the runner's overhead: wall time of `faultline run` minus the experiment's own timeline,
//       as a ratio of that timeline (process start, loading, recover, steady state, revert, journal);
//   (b) detection-to-revert latency: from the end of the first out-of-tolerance sample to the toxic
//       confirmed gone (read back from Toxiproxy), over 20 runs: median and max.
//   (c) the time a fault stays in place once the hypothesis can tell: a 3 s latency toxic against a
//       bound of 1000 ms, sampled every 1 s, failAfter 2 (the physical limit is about 2 s: two
//       samples that each fail at 1000 ms, plus the revert).
// Each run gets its own proxy in front of the catalog, so the shared `catalog` proxy is untouched.
// Usage: npm run bench:engine [-- --runs 20] [--cli path/to/cli/faultline.ts (another checkout, to compare)]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Journal } from '../src/engine/journal.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { loadSandboxEnv, projectRoot } from '../test/helpers/sandbox-env.ts';

const env = loadSandboxEnv();
const flag = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const runs = Number(flag('--runs')) || 20;
const cli = flag('--cli') ?? join(projectRoot, 'cli/faultline.ts');
const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));

type Shape = { latency: number; bound: number; failAfter: number; durationOfFault?: string };

function experiment(
  name: string,
  port: number,
  duration: string,
  every: string,
  start: string,
  shape: Shape = { latency: 500, bound: 300, failAfter: 1 },
): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  hypothesis:
    probes:
      - name: catalog-latency
        http: { url: "http://127.0.0.1:${port}/products", timeout: 2s }
        expect: { status: 200, latencyMs: { below: ${shape.bound} } }
    during: { every: ${every}, failAfter: ${shape.failAfter} }
  faults:
    - name: slow-catalog
      toxiproxy:
        url: ${env.TOXIPROXY_URL}
        proxy: bench-${port}
        toxic: latency
        attributes: { latency: ${shape.latency} }
      start: ${start}${shape.durationOfFault ? `\n      duration: ${shape.durationOfFault}` : ''}
`,
  );
  return file;
}

async function withProxy<T>(port: number, work: () => T): Promise<T> {
  const body = {
    name: `bench-${port}`,
    listen: `127.0.0.1:${port}`,
    upstream: env.CATALOG_URL.replace('http://', ''),
  };
  await fetch(`${env.TOXIPROXY_URL}/proxies`, { method: 'POST', body: JSON.stringify(body) });
  try {
    return work();
  } finally {
    await fetch(`${env.TOXIPROXY_URL}/proxies/bench-${port}`, { method: 'DELETE' });
  }
}

type Timed = { wallMs: number; journal: Journal; code: number | null; startedAt: number; endedAt: number };

function runCli(file: string): Timed {
  const startedAt = Date.now();
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, 'run', file, '--report-dir', join(dir, 'reports')], {
    env: { ...process.env, ...env, FAULTLINE_LEDGER: join(dir, 'ledger.jsonl'), NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  const journalFile = /journal: (\S+)/.exec(result.stdout)?.[1];
  if (!journalFile) throw new Error(`no journal:\n${result.stdout}\n${result.stderr}`);
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  return { wallMs, journal, code: result.status, startedAt, endedAt: Date.now() };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

// (a) Overhead: a fault that never trips the hypothesis (starts after the last sample), 5 s timeline.
const overheads: number[] = [];
const parts = { start: [] as number[], before: [] as number[], after: [] as number[], exit: [] as number[] };
for (let i = 0; i < 5; i++) {
  const port = await freePort();
  const { wallMs, journal, startedAt, endedAt } = await withProxy(port, () =>
    runCli(experiment(`overhead-${i}`, port, '5s', '1s', '4900ms')),
  );
  if (journal.verdict !== 'held') throw new Error(`overhead run ${i}: ${journal.verdict} ${journal.reason}`);
  overheads.push(wallMs - journal.settings.durationMs);
  parts.start.push(journal.startedAt - startedAt);
  parts.before.push((journal.methodStartedAt ?? 0) - journal.startedAt);
  parts.after.push((journal.endedAt ?? 0) - (journal.methodEndedAt ?? 0));
  parts.exit.push(endedAt - (journal.endedAt ?? 0));
}
const overheadMs = median(overheads);
console.log(`(a) runner overhead over a 5 s timeline, ${overheads.length} runs:`);
console.log(
  `    median ${overheadMs.toFixed(0)} ms beyond the timeline = ${(overheadMs / 5000).toFixed(3)} of it`,
);
console.log(
  `    where it goes (medians): process start and loading ${median(parts.start)} ms, recover + steady state before ${median(parts.before)} ms, revert + steady state after ${median(parts.after)} ms, journal and exit ${median(parts.exit)} ms`,
);
console.log(
  `    (wall ${((5000 + overheadMs) / 1000).toFixed(2)} s for 5 s; all: ${overheads.map((o) => o.toFixed(0)).join(', ')} ms)`,
);

// (b) Detection to revert: latency 500 ms against a 300 ms bound, sampled every 200 ms, failAfter 1.
const latencies: number[] = [];
for (let i = 0; i < runs; i++) {
  const port = await freePort();
  const { journal, code } = await withProxy(port, () =>
    runCli(experiment(`detect-${i}`, port, '10s', '200ms', '500ms')),
  );
  if (journal.verdict !== 'deviated' || code !== 1) throw new Error(`detect run ${i}: ${journal.verdict}`);
  const first = journal.samples.find((s) => s.phase === 'method' && s.outcome !== 'ok');
  const toxic = journal.faults[0]?.actions.find((a) => a.undo.kind === 'toxic');
  if (!first || !toxic?.revertedAt)
    throw new Error(`detect run ${i}: no deviation or no revert in the journal`);
  latencies.push(toxic.revertedAt - (first.at + first.durationMs));
}
console.log(
  `(b) detection-to-revert over ${latencies.length} runs (first failed sample done -> toxic confirmed gone):`,
);
console.log(`    median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);

// (c) Time in place: the fault injected at 2 s, the hypothesis decided by 2 failed samples.
const inPlace: number[] = [];
const detections: number[] = [];
for (let i = 0; i < Math.min(runs, 5); i++) {
  const port = await freePort();
  const shape = { latency: 3000, bound: 1000, failAfter: 2, durationOfFault: '15s' };
  const { journal } = await withProxy(port, () =>
    runCli(experiment(`in-place-${i}`, port, '20s', '1s', '2s', shape)),
  );
  if (journal.verdict !== 'deviated')
    throw new Error(`in-place run ${i}: ${journal.verdict} ${journal.reason}`);
  const toxic = journal.faults[0]?.actions.find((a) => a.undo.kind === 'toxic');
  if (!toxic?.injectedAt || !toxic.revertedAt) throw new Error(`in-place run ${i}: no inject or revert`);
  inPlace.push(toxic.revertedAt - toxic.injectedAt);
  const failed = journal.samples.filter((s) => s.phase === 'method' && s.outcome !== 'ok');
  const deciding = failed[failed.length - 1];
  if (deciding) detections.push(toxic.revertedAt - (deciding.at + deciding.durationMs));
}
console.log(
  `(c) a 3 s latency toxic against latencyMs below 1000, every 1 s, failAfter 2, ${inPlace.length} runs (${cli}):`,
);
console.log(
  `    the toxic stayed in place: median ${(median(inPlace) / 1000).toFixed(2)} s (all: ${inPlace.map((v) => (v / 1000).toFixed(2)).join(', ')} s); deciding sample -> reverted: median ${median(detections).toFixed(1)} ms`,
);
