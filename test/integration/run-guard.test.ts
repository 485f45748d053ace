// The dead man's switch of `faultline run`, driven through the real CLI as a child process.
// Needs: the sandbox's Toxiproxy (the `catalog` proxy) and Kubernetes API server (its kwok nodes;
// kwok-node-2 is cordoned for a moment). Each run's ledger is a file of its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { readLedgerLines } from '../../src/ledger/fault-ledger.ts';
import { faultOnlyExperiment } from '../helpers/fault-only-experiment.ts';
import { runFaultline } from '../helpers/faultline-process.ts';
import { createLeftoverReader } from '../helpers/faults-left.ts';
import { isRunning } from '../helpers/is-running.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-guard-'));
let count = 0;

// A ledger in a directory of its own (the guard's log goes beside it, in guards/).
function freshLedger(): string {
  const ledgerDir = join(dir, `run-${++count}`);
  mkdirSync(ledgerDir);
  return join(ledgerDir, 'ledger.jsonl');
}

const envWith = (ledger: string) => ({ ...process.env, ...sandbox, FAULTLINE_LEDGER: ledger, NO_COLOR: '1' });

function writeExperiment(name: string, duration: string, faults: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, faultOnlyExperiment(name, duration, faults, { every: '500ms' }));
  return file;
}

const toxic = [
  `name: slow-catalog
      toxiproxy: { url: "${sandbox.TOXIPROXY_URL}", proxy: catalog, toxic: latency, attributes: { latency: 200 } }`,
];
const partitionAndCordon = [
  `name: cut-catalog
      partition: { url: "${sandbox.TOXIPROXY_URL}", proxy: catalog }
      start: 200ms`,
  `name: cordon-one
      nodeCordon: { selector: "kubernetes.io/hostname=kwok-node-2" }
      start: 400ms`,
];

const guardPidIn = (stderr: string) => Number(/^guard (\d+) ready/m.exec(stderr)?.[1] ?? 0);

test.serial(
  'kill -9 of a run and its process group mid-method: with nothing run by hand, its toxic, partition and cordon are gone within seconds, and its guard exited',
  async (t) => {
    t.timeout(120_000);
    const ledger = freshLedger();
    const leftovers = createLeftoverReader(sandbox, { ledger });
    t.deepEqual((await leftovers()).left, [], 'nothing is in place before the run');
    const file = writeExperiment('killed-mid-method', '60s', [...toxic, ...partitionAndCordon]);
    // A process group of its own, as a shell gives a job: kill -9 of the group spares only the guard.
    const run = spawn(process.execPath, [`${projectRoot}cli/faultline.ts`, 'run', file], {
      cwd: projectRoot,
      env: envWith(ledger),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    run.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      run.on('close', (_, signal) => resolve(signal)),
    );
    t.teardown(() => {
      if (isRunning(run.pid ?? 0)) process.kill(-(run.pid ?? 0), 'SIGKILL');
    });
    await waitUntil('the three faults in place', async () =>
      /injected: cordon-one/.test(stderr) ? true : undefined,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`);
    });
    const inPlace = (await leftovers()).left;
    t.true(inPlace.includes('proxy catalog disabled'), inPlace.join('\n'));
    t.true(inPlace.includes('node kwok-node-2 cordoned'), inPlace.join('\n'));
    t.true(
      inPlace.some((line) => /^toxic faultline-\S+-slow-catalog on catalog$/.test(line)),
      inPlace.join('\n'),
    );
    const guardPid = guardPidIn(stderr);
    t.true(guardPid > 0 && isRunning(guardPid), stderr);

    process.kill(-(run.pid ?? 0), 'SIGKILL');
    const killedAt = Date.now();
    t.is(await exited, 'SIGKILL');
    const cleanAfterMs = await waitUntil(
      'nothing left behind',
      async () => ((await leftovers()).left.length === 0 ? Date.now() - killedAt : undefined),
      { timeoutMs: 10_000, intervalMs: 20 },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${(await leftovers()).left.join(', ')}`);
    });
    t.log(`every fault was reverted ${cleanAfterMs} ms after kill -9 of the run`);
    await waitUntil('the guard to exit', async () => (isRunning(guardPid) ? undefined : true), {
      timeoutMs: 10_000,
    });
    t.deepEqual((await leftovers()).remains, [], "the run's claim and Lease are gone too");
    const runId = /^run (\S+) of/m.exec(stderr)?.[1] ?? '';
    const log = readFileSync(join(ledger, '..', 'guards', `${runId}.log`), 'utf8');
    t.regex(log, /is gone \(its channel closed without "done"\): reverting its faults/);
    t.regex(log, /reverted proxy catalog disabled at \S+ \(ledger: reverted\)/);
    t.regex(log, /reverted node kwok-node-2 cordoned in \S+ \(ledger: reverted\)/);
    t.regex(log, /reverted toxic faultline-\S+-slow-catalog on proxy catalog at \S+ \(ledger: reverted\)/);
    t.regex(log, /^\S+ done in \d+ ms$/m, 'nothing failed');
    const recovered = await runFaultline(['recover', '--toxiproxy', sandbox.TOXIPROXY_URL], envWith(ledger));
    t.is(recovered.stdout, 'nothing to recover\n', recovered.stderr);
  },
);

test.serial('a run that ends normally leaves no guard process and no guard log', async (t) => {
  t.timeout(90_000);
  const ledger = freshLedger();
  const file = writeExperiment('ends-normally', '1s', toxic);
  const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], envWith(ledger));
  t.is(result.exitCode, ExitCode.held, result.stderr);
  const guardPid = guardPidIn(result.stderr);
  t.true(guardPid > 0, result.stderr);
  t.false(isRunning(guardPid), 'the guard exited before the run did');
  t.deepEqual(readdirSync(join(ledger, '..', 'guards')), [], 'the guard removed its log');
  const after = await createLeftoverReader(sandbox, { ledger })();
  t.deepEqual([...after.left, ...after.remains], []);
});

test.serial(
  'a guard that cannot start: the run ends not-started (exit 3) naming why, and nothing is injected',
  async (t) => {
    t.timeout(90_000);
    const ledger = freshLedger();
    // Where the guard keeps its log is a regular file: it cannot write there, so it is not ready.
    writeFileSync(join(ledger, '..', 'guards'), 'not a directory\n');
    const file = writeExperiment('guard-cannot-start', '5s', [...toxic, ...partitionAndCordon]);
    const reports = join(dir, 'reports');
    const result = await runFaultline(['run', file, '--report-dir', reports], envWith(ledger));
    t.is(result.exitCode, ExitCode.notStarted, `${result.stdout}\n${result.stderr}`);
    t.regex(
      result.stdout,
      /^verdict: not-started — its guard \(which reverts the faults if the run dies\) could not start: cannot write its log \S+guards\/\S+\.log: E[A-Z]+: /m,
    );
    t.notRegex(result.stderr, /injected:/);
    t.deepEqual(
      readLedgerLines(ledger).filter((line) => line.type === 'open'),
      [],
      'no fault was even recorded',
    );
    const after = await createLeftoverReader(sandbox, { ledger })();
    t.deepEqual([...after.left, ...after.remains], [], 'no fault, no claim, no Lease');
    const journalFile = /^journal: (\S+)/m.exec(result.stdout)?.[1] ?? '';
    t.true(existsSync(journalFile));
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { verdict: string; faults: unknown[] };
    t.is(journal.verdict, 'not-started');
  },
);
