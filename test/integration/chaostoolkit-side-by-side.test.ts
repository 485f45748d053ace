// Chaos Toolkit and Faultline side by side on the same, unchanged Chaos Toolkit files
// (test/fixtures/chaostoolkit/side-by-side-*), against the sandbox: Chaos Toolkit itself (from
// PyPI, with chaostoolkit-toxiproxy and chaostoolkit-kubernetes, in a virtual environment made once
// under ~/.cache/faultline/) runs `chaos run FILE`, Faultline runs `faultline run FILE`.
// - latency on `catalog` against the fragile storefront (deviates) and the resilient one (holds),
//   a terminate_pods on checkout (holds): the same verdicts; each tool's time with the toxic in
//   place and its detection-to-revert, measured by polling Toxiproxy from outside both, are logged;
// - Chaos Toolkit's default rollback strategy leaves the toxic after a deviated run;
// - Ctrl-C in the middle of the method: Chaos Toolkit (default rollback strategy) leaves the toxic,
//   Faultline on the same file leaves nothing.
// Needs: the sandbox (Toxiproxy proxy `catalog`, both storefronts, the cluster with shop/checkout),
// python3 with venv, and PyPI the first time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test, { type ExecutionContext } from 'ava';
import type { Journal } from '../../src/engine/journal.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import {
  type ChaosJournal,
  chaosDetectedAt,
  chaosVerdict,
  installChaosToolkit,
  startChaos,
} from '../helpers/chaos-toolkit.ts';
import { startFaultline } from '../helpers/faultline-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';
import { type ToxicWindow, watchToxics } from '../helpers/watch-toxics.ts';

const sandbox = loadSandboxEnv();
const fixtures = join(projectRoot, 'test/fixtures/chaostoolkit');
const latencyFile = join(fixtures, 'side-by-side-latency.json');
const podKillFile = join(fixtures, 'side-by-side-terminate-pods.yaml');
const dir = mkdtempSync(join(tmpdir(), 'faultline-ctk-side-by-side-'));
const ledger = join(dir, 'ledger.jsonl');
// The toxic the Chaos Toolkit file names; Faultline names its own faultline-<run-id>-<fault>.
const chaosToxic = 'slow-catalog';
let chaos = '';
let runs = 0;

const env = (storefront: string): NodeJS.ProcessEnv => ({
  ...process.env,
  ...sandbox,
  TOXIPROXY_HOST: new URL(sandbox.TOXIPROXY_URL).hostname,
  TOXIPROXY_PORT: new URL(sandbox.TOXIPROXY_URL).port,
  STOREFRONT_UNDER_TEST: storefront,
  FAULTLINE_LEDGER: ledger,
  NO_COLOR: '1',
});

type Measured = { exitCode: number | null; verdict: string; window: ToxicWindow; detectedAt?: number };

test.before((t) => {
  t.timeout(900_000, 'installing Chaos Toolkit from PyPI');
  chaos = installChaosToolkit((line) => t.log(line));
  const version = execFileSync(chaos, ['--no-version-check', '--version'], { encoding: 'utf8' });
  t.log(`${version.trim()} (${chaos})`);
});

async function toxicsOnCatalog(): Promise<string[]> {
  const response = await fetch(`${sandbox.TOXIPROXY_URL}/proxies/catalog/toxics`);
  return ((await response.json()) as { name: string }[]).map((toxic) => toxic.name);
}

// What Chaos Toolkit leaves is removed after each test (only its toxic: Faultline's are its own).
test.afterEach.always(async () => {
  if ((await toxicsOnCatalog()).includes(chaosToxic))
    await fetch(`${sandbox.TOXIPROXY_URL}/proxies/catalog/toxics/${chaosToxic}`, { method: 'DELETE' });
});

async function runChaos(file: string, runEnv: NodeJS.ProcessEnv, args: string[] = []) {
  const watch = watchToxics(sandbox.TOXIPROXY_URL, 'catalog');
  const { exitCode, journal, output } = await startChaos(chaos, [...args, file], runEnv).exited;
  // A toxic Chaos Toolkit leaves is still there a second after it exits.
  await sleep(1000);
  const window = await watch.stop();
  const measured: Measured = { exitCode, verdict: chaosVerdict(journal), window };
  return { ...measured, detectedAt: chaosDetectedAt(journal), journal, output };
}

function readJournal(stdout: string): Journal {
  const file = /^journal: (.+)$/m.exec(stdout)?.[1];
  if (!file) throw new Error(`no journal in faultline's output:\n${stdout}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Journal;
}

async function runFaultline(file: string, runEnv: NodeJS.ProcessEnv, flags: readonly string[] = []) {
  const watch = watchToxics(sandbox.TOXIPROXY_URL, 'catalog');
  const ctkJournalFile = join(dir, `ctk-journal-${++runs}.json`);
  const args = ['run', file, '--report-dir', join(dir, 'reports'), '--ctk-journal', ctkJournalFile, ...flags];
  const run = startFaultline(args, runEnv);
  const { exitCode } = await run.exited;
  const window = await watch.stop();
  const journal = readJournal(run.stdout());
  const ctkJournal = JSON.parse(readFileSync(ctkJournalFile, 'utf8')) as ChaosJournal;
  const measured: Measured = { exitCode, verdict: journal.verdict ?? '', window };
  return { ...measured, detectedAt: journal.firstDeviation?.at, journal, ctkJournal, stderr: run.stderr() };
}

// --ctk-journal: what Faultline writes for tools that read Chaos Toolkit journals says what Chaos
// Toolkit's own says, in the same keys.
function sameJournalShape(t: ExecutionContext, ours: ChaosJournal, theirs: ChaosJournal) {
  t.deepEqual(
    Object.keys(theirs).filter((key) => !(key in ours)),
    [],
  );
  t.is(ours.status, theirs.status);
  t.is(ours.deviated, theirs.deviated);
  t.deepEqual(Object.keys(ours.steady_states).sort(), Object.keys(theirs.steady_states).sort());
  t.deepEqual(ours.run[0]?.activity, theirs.run[0]?.activity);
  t.is(ours.steady_states.before?.steady_state_met, theirs.steady_states.before?.steady_state_met);
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(3)} s`);
const inPlace = (window: ToxicWindow) =>
  window.appearedAt !== undefined && window.goneAt !== undefined
    ? window.goneAt - window.appearedAt
    : undefined;
const detectionToRevert = (measured: Measured) =>
  measured.detectedAt !== undefined && measured.window.goneAt !== undefined
    ? measured.window.goneAt - measured.detectedAt
    : undefined;

function logFigures(t: { log: (...values: unknown[]) => void }, title: string, rows: [string, Measured][]) {
  t.log(title);
  for (const [tool, measured] of rows) {
    t.log(
      `  ${tool.padEnd(13)} verdict ${measured.verdict.padEnd(9)} toxic in place ${seconds(inPlace(measured.window))}, detection to revert ${seconds(detectionToRevert(measured))}`,
    );
  }
}

// The same flags of chaos run to both: Faultline's run takes them for a Chaos Toolkit file.
const continuously = ['--hypothesis-strategy', 'continuously', '--hypothesis-frequency', '1', '--fail-fast'];
for (const [storefront, url, expected, flags] of [
  ['fragile', sandbox.FRAGILE_STOREFRONT_URL, 'deviated', []],
  ['resilient', sandbox.STOREFRONT_URL, 'held', []],
  ['fragile', sandbox.FRAGILE_STOREFRONT_URL, 'deviated', continuously],
] as const) {
  const shown = flags.length > 0 ? ` (${flags.join(' ')})` : '';
  test.serial(
    `latency on catalog, ${storefront} storefront: Chaos Toolkit and Faultline on the unchanged file both say ${expected}${shown}`,
    async (t) => {
      // --rollback-strategy always: with its default, Chaos Toolkit would not delete the toxic after a deviation (next test).
      const ctk = await runChaos(latencyFile, env(url), ['--rollback-strategy', 'always', ...flags]);
      const faultline = await runFaultline(latencyFile, env(url), flags);
      const exitCode = expected === 'held' ? ExitCode.held : ExitCode.deviated;
      t.is(ctk.verdict, expected, ctk.output);
      t.is(ctk.exitCode, exitCode, 'chaos exits 1 on a deviation, 0 otherwise');
      t.is(faultline.verdict, expected, faultline.stderr);
      t.is(faultline.exitCode, exitCode);
      t.deepEqual(ctk.window.names, [chaosToxic]);
      t.is(faultline.window.names.length, 1);
      t.regex(faultline.window.names[0] ?? '', /^faultline-.*-slow-catalog$/);
      for (const measured of [ctk, faultline]) {
        t.truthy(measured.window.appearedAt);
        t.truthy(measured.window.goneAt, 'both reverted the toxic');
      }
      if (expected === 'deviated') {
        t.truthy(ctk.detectedAt);
        t.truthy(faultline.detectedAt);
      }
      t.deepEqual(await toxicsOnCatalog(), []);
      t.deepEqual(faultline.journal.ledger.leftBehind, []);
      sameJournalShape(t, faultline.ctkJournal, ctk.journal);
      logFigures(t, `latency 3000 ms on catalog, ${storefront} storefront (${url})${shown}:`, [
        ['Chaos Toolkit', ctk],
        ['Faultline', faultline],
      ]);
    },
  );
}

test.serial(
  "Chaos Toolkit's default rollback strategy leaves the toxic after a deviated run: no rollback is played",
  async (t) => {
    const ctk = await runChaos(latencyFile, env(sandbox.FRAGILE_STOREFRONT_URL));
    t.is(ctk.verdict, 'deviated');
    t.is(ctk.journal.status, 'failed');
    t.deepEqual(ctk.journal.rollbacks, [], 'no rollback was played');
    t.regex(ctk.output, /Rollbacks strategy: default/);
    t.is(ctk.window.goneAt, undefined, 'the toxic was never removed');
    t.deepEqual(await toxicsOnCatalog(), [chaosToxic]);
    const leftFor = Date.now() - (ctk.window.appearedAt ?? 0);
    t.log(
      `chaos run (default rollback strategy), deviated: toxic ${chaosToxic} still in place ${seconds(leftFor)} after it was created, ${seconds(Date.now() - (ctk.detectedAt ?? 0))} after the deviation was seen; removed by the test`,
    );
  },
);

test.serial(
  'terminate_pods on checkout: Chaos Toolkit and Faultline on the unchanged file both say held, each terminating one pod',
  async (t) => {
    const checkoutPods = () =>
      execFileSync('kubectl', ['get', 'pods', '-n', 'shop', '-l', 'app=checkout', '-o', 'name'], {
        encoding: 'utf8',
        env: env(sandbox.STOREFRONT_URL),
      })
        .trim()
        .split('\n');
    const timed = async <T>(run: () => Promise<T>) => {
      const before = new Set(checkoutPods());
      const started = performance.now();
      const result = await run();
      const wall = performance.now() - started;
      const gone = [...before].filter((pod) => !checkoutPods().includes(pod));
      return { result, wall, gone };
    };
    const ctk = await timed(() => startChaos(chaos, [podKillFile], env(sandbox.STOREFRONT_URL)).exited);
    const faultline = await timed(() => runFaultline(podKillFile, env(sandbox.STOREFRONT_URL)));
    t.is(chaosVerdict(ctk.result.journal), 'held', ctk.result.output);
    t.is(ctk.result.exitCode, 0);
    t.is(faultline.result.verdict, 'held', faultline.result.stderr);
    t.is(faultline.result.exitCode, ExitCode.held);
    t.is(ctk.gone.length, 1, `Chaos Toolkit terminated ${ctk.gone.join(', ')}`);
    t.is(faultline.gone.length, 1, `Faultline terminated ${faultline.gone.join(', ')}`);
    const ready = faultline.result.journal.events.find((event) => event.type === 'owner-ready');
    t.log('terminate_pods qty 1 on shop/checkout, pause 5 s:');
    t.log(`  Chaos Toolkit  verdict held, terminated ${ctk.gone.join(', ')}, run ${seconds(ctk.wall)}`);
    t.log(
      `  Faultline      verdict held, terminated ${faultline.gone.join(', ')}, run ${seconds(faultline.wall)}; ${ready?.message ?? ''}`,
    );
  },
);

test.serial(
  'Ctrl-C in the middle of the method: Chaos Toolkit (default rollback strategy) leaves the toxic, Faultline leaves nothing',
  async (t) => {
    const runEnv = env(sandbox.FRAGILE_STOREFRONT_URL);
    // Chaos Toolkit, interrupted 2 s into its 8 s pause.
    const watchCtk = watchToxics(sandbox.TOXIPROXY_URL, 'catalog');
    const ctkRun = startChaos(chaos, [latencyFile], runEnv);
    await watchCtk.appeared();
    await sleep(2000);
    const ctkInterruptedAt = Date.now();
    ctkRun.child.kill('SIGINT');
    const ctk: { exitCode: number | null; journal: ChaosJournal; output: string } = await ctkRun.exited;
    const ctkExitedAfter = Date.now() - ctkInterruptedAt;
    await sleep(3000);
    const ctkWindow = await watchCtk.stop();
    t.is(ctk.journal.status, 'interrupted', ctk.output);
    t.is(ctk.exitCode, 1);
    t.deepEqual(ctk.journal.rollbacks, [], 'no rollback was played');
    t.is(ctkWindow.goneAt, undefined, 'the toxic stayed after chaos exited');
    t.deepEqual(await toxicsOnCatalog(), [chaosToxic]);
    const ctkLeftFor = Date.now() - ctkInterruptedAt;
    await fetch(`${sandbox.TOXIPROXY_URL}/proxies/catalog/toxics/${chaosToxic}`, { method: 'DELETE' });

    // Faultline on the same file, interrupted the same way.
    const watchFaultline = watchToxics(sandbox.TOXIPROXY_URL, 'catalog');
    const ctkJournalFile = join(dir, 'ctk-journal-interrupted.json');
    const run = startFaultline(
      ['run', latencyFile, '--report-dir', join(dir, 'reports'), '--ctk-journal', ctkJournalFile],
      runEnv,
    );
    await watchFaultline.appeared();
    await sleep(2000);
    const interruptedAt = Date.now();
    run.child.kill('SIGINT');
    const { exitCode } = await run.exited;
    const exitedAfter = Date.now() - interruptedAt;
    await sleep(1000);
    const window = await watchFaultline.stop();
    t.is(exitCode, ExitCode.aborted, run.stderr());
    t.is(readJournal(run.stdout()).verdict, 'aborted');
    sameJournalShape(t, JSON.parse(readFileSync(ctkJournalFile, 'utf8')) as ChaosJournal, ctk.journal);
    t.truthy(window.goneAt);
    t.deepEqual(await toxicsOnCatalog(), []);
    const entries = readFileSync(ledger, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; entry: string });
    const open = entries.filter((line) => line.type === 'open').map((line) => line.entry);
    const closed = new Set(entries.filter((line) => line.type === 'close').map((line) => line.entry));
    t.deepEqual(
      open.filter((entry) => !closed.has(entry)),
      [],
      'every ledger entry closed',
    );
    t.log('SIGINT 2 s into the method (latency on catalog, fragile storefront):');
    t.log(
      `  Chaos Toolkit  exit ${ctk.exitCode} after ${seconds(ctkExitedAfter)}, status interrupted, no rollback; toxic still in place ${seconds(ctkLeftFor)} after the signal, removed by the test`,
    );
    t.log(
      `  Faultline      exit ${exitCode} after ${seconds(exitedAfter)}, verdict aborted; toxic gone ${seconds((window.goneAt ?? 0) - interruptedAt)} after the signal, ledger entries all closed`,
    );
  },
);
