// The emergency stop, driven as an operator would: `faultline halt` while a CLI run holds a latency
// toxic, a partition and a cordon (the run aborts and reverts everything; the time from `halt` to all
// faults reverted is printed), a run started while halted is not-started, `status` shows the halt, the
// daemon fires nothing while it stands (its log says why: 'halted'), and `resume` lifts it.
// Needs: the sandbox's Toxiproxy (proxies made here, in front of the catalog), kube-apiserver + kwok
// (a node made here, labelled faultline.dev/runners-test, nothing scheduled on it).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import type { RunnersStatus } from '../../cli/status-text.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { runFaultline, startFaultline } from '../helpers/faultline-process.ts';
import {
  cordonOf,
  createNode,
  createProxy,
  deleteNode,
  deleteProxy,
  faultToxics,
  holdingExperiment,
  isCordoned,
  latencyOn,
  partitionOf,
  readProxy,
} from '../helpers/runners-sandbox.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-halt-'));
const slowProxy = 'runners-halt-slow';
const cutProxy = 'runners-halt-cut';
const daemonProxy = 'runners-halt-daemon';
const node = 'faultline-runners-halt';
let ledgers = 0;
const freshEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  ...sandbox,
  FAULTLINE_LEDGER: join(dir, `ledger-${++ledgers}.jsonl`),
  NO_COLOR: '1',
});

test.before(async () => {
  for (const proxy of [slowProxy, cutProxy, daemonProxy]) await createProxy(proxy);
  await createNode(node, 'halt');
});

test.after.always(async () => {
  // Whatever happened above, no halt is left standing for the tests after this file.
  await runFaultline(['resume'], freshEnv());
  for (const proxy of [slowProxy, cutProxy, daemonProxy]) await deleteProxy(proxy);
  await deleteNode(node);
});

async function faultsLeft(): Promise<string[]> {
  const left: string[] = [];
  if ((await faultToxics(slowProxy)).length > 0) left.push('latency toxic');
  if (!(await readProxy(cutProxy)).enabled) left.push('partition');
  if (await isCordoned(node)) left.push('cordon');
  return left;
}

// When the standing halt was stamped, just before it was written (status reads it back).
async function haltWrittenAt(): Promise<number> {
  const status = await runFaultline(['status', '--output', 'json'], freshEnv());
  return Date.parse((JSON.parse(status.stdout) as RunnersStatus).halt?.at ?? '');
}

function writeFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test.serial(
  'halt: a live CLI run aborts and reverts everything; a run started while halted is not-started; status shows it; resume lifts it',
  async (t) => {
    t.timeout(240_000);
    const experiment = writeFile(
      'held.yaml',
      holdingExperiment('halt-me', '120s', [latencyOn(slowProxy), partitionOf(cutProxy), cordonOf('halt')]),
    );
    const run = startFaultline(['run', experiment, '--report-dir', join(dir, 'reports')], freshEnv());
    t.teardown(() => run.child.kill('SIGKILL'));
    for (const fault of ['slow', 'cut', 'cordon'])
      await run.waitForOutput(new RegExp(`injected: ${fault}: `), 90_000);
    t.deepEqual(await faultsLeft(), ['latency toxic', 'partition', 'cordon']);

    // The operator halts; every fault is watched until it is gone.
    const haltStarted = Date.now();
    const halting = runFaultline(['halt', '--reason', 'incident 4711: stop all chaos'], freshEnv());
    let haltDone = 0;
    void halting.then(() => {
      haltDone = Date.now();
    });
    const revertedAt = await waitUntil(
      'every fault of the run to be reverted',
      async () => ((await faultsLeft()).length === 0 ? Date.now() : undefined),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    const halted = await halting;
    t.is(halted.exitCode, ExitCode.ok, halted.stderr);
    t.regex(halted.stdout, /^halt written: Lease faultline\/faultline-halt at https:\/\/127\.0\.0\.1:\d+$/m);
    t.regex(
      halted.stdout,
      new RegExp(`^halt written: proxy faultline-halt at ${sandbox.TOXIPROXY_URL}$`, 'm'),
    );
    const { exitCode } = await run.exited;
    const haltAt = await haltWrittenAt();
    t.log(
      `halt to all 3 faults reverted: ${revertedAt - haltAt} ms after the halt was stamped and written (its \`at\`), ${revertedAt - haltStarted} ms after \`faultline halt\` was started (Node start-up included); \`halt\` returned ${haltDone - haltStarted} ms after its start; the run samples every 500 ms`,
    );
    t.is(exitCode, ExitCode.aborted, run.stderr() + run.stdout());
    t.regex(run.stdout(), /^verdict: aborted — halted by \S+@\S+: incident 4711: stop all chaos$/m);

    // While halted: a new run is not-started and injects nothing; status says so.
    const refused = await runFaultline(['run', experiment, '--report-dir', join(dir, 'reports')], freshEnv());
    t.is(refused.exitCode, ExitCode.notStarted, refused.stderr + refused.stdout);
    t.regex(
      refused.stdout,
      /^verdict: not-started — halted by \S+ at \S+: incident 4711: stop all chaos \(faultline resume lifts it\)$/m,
    );
    t.notRegex(refused.stderr, /injected:/);
    t.deepEqual(await faultsLeft(), []);
    const status = await runFaultline(['status', '--output', 'json'], freshEnv());
    const seen = JSON.parse(status.stdout) as RunnersStatus;
    t.is(seen.halt?.reason, 'incident 4711: stop all chaos');
    t.deepEqual(seen.halt?.where, [
      'Lease faultline/faultline-halt',
      `proxy faultline-halt at ${sandbox.TOXIPROXY_URL}`,
    ]);
    t.deepEqual(seen.live, []);

    const resumed = await runFaultline(['resume'], freshEnv());
    t.is(resumed.exitCode, ExitCode.ok, resumed.stderr);
    t.regex(resumed.stdout, /^halt removed: Lease faultline\/faultline-halt at /m);
    t.regex(resumed.stdout, /^halt removed: proxy faultline-halt at /m);
    t.is((await fetch(`${sandbox.TOXIPROXY_URL}/proxies/faultline-halt`)).status, 404);
    const again = await runFaultline(['status'], freshEnv());
    t.regex(again.stdout, /^halt: none$/m);
  },
);

type LogLine = { message: string; reason?: string; detail?: string; [field: string]: unknown };

test.serial(
  'halt: the daemon fires nothing while it stands (skip reason halted), and fires again after resume',
  async (t) => {
    t.timeout(180_000);
    writeFile(
      'daemon-experiment.yaml',
      holdingExperiment('halt-daemon-tiny', '1s', [latencyOn(daemonProxy)]),
    );
    const schedule = writeFile(
      'schedule.yaml',
      `
apiVersion: faultline.dev/v1alpha1
kind: Schedule
metadata: { name: halt-daemon }
spec:
  entries:
    - name: tiny
      experiment: daemon-experiment.yaml
      cron: "*/2 * * * * *"
  concurrency: skip
`,
    );
    const halted = await runFaultline(['halt', '--reason', 'freeze'], freshEnv());
    t.is(halted.exitCode, ExitCode.ok, halted.stderr);
    const daemon = startFaultline(
      ['schedule', schedule, '--listen', '127.0.0.1:0', '--report-dir', join(dir, 'daemon-reports')],
      freshEnv(),
    );
    t.teardown(() => daemon.child.kill('SIGKILL'));
    const lines = () =>
      daemon
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine);
    const skipped = () => lines().filter((l) => l.message === 'fire skipped' && l.reason === 'halted');
    await waitUntil('three fires skipped as halted', async () => (skipped().length >= 3 ? true : undefined), {
      timeoutMs: 60_000,
    });
    t.deepEqual(
      lines().filter((l) => l.message === 'run started'),
      [],
      'no run while halted',
    );
    t.regex(String(skipped()[0]?.detail), /^halted by \S+ at \S+: freeze$/);
    t.deepEqual(await faultToxics(daemonProxy), []);

    const resumed = await runFaultline(['resume'], freshEnv());
    t.is(resumed.exitCode, ExitCode.ok, resumed.stderr);
    const skippedBefore = skipped().length;
    await waitUntil(
      'a run to finish after resume',
      async () => (lines().some((l) => l.message === 'run finished') ? true : undefined),
      { timeoutMs: 60_000 },
    );
    await sleep(100);
    t.true(
      skipped().length <= skippedBefore + 1,
      'no more skips for the halt once resumed (one may have been in flight)',
    );
    daemon.child.kill('SIGTERM');
    t.is((await daemon.exited).exitCode, 0, daemon.stderr());
    t.deepEqual(await faultToxics(daemonProxy), [], 'the daemon run reverted its toxic');
  },
);
