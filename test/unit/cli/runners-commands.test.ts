// status, halt, resume, recover --force and run --wait-clear in-process, without any server: usage
// errors, nowhere to write a halt, and the ledger's orphans and live runs (a fault whose revert is a
// program that touches a file, so the test sees whether it ran).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { offlineExperiment } from '../../helpers/fault-only-experiment.ts';
import { runInProcess } from '../../helpers/in-process-cli.ts';
import { deadRunOpenLine } from '../../helpers/ledger-lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-runners-cli-'));
let count = 0;
const scratch = (name: string) => join(dir, `${++count}-${name}`);
// No kubeconfig anywhere (HOME without .kube) and no $TOXIPROXY_URL: no place to look at.
const noPlaces = { HOME: dir, NO_COLOR: '1' };
const described = (file: string) => `the fault reverted by touch ${file} on ${hostname()}`;

const revertTouching = (file: string) => ({
  kind: 'command-revert',
  host: hostname(),
  argv: ['touch', file],
  env: {},
  timeoutMs: 5_000,
});

test('run --wait-clear soon: a usage error naming the flag and what it expects, exit 2', async (t) => {
  const experiment = scratch('fine.yaml');
  writeFileSync(experiment, offlineExperiment);
  const result = await runInProcess(['run', experiment, '--wait-clear', 'soon'], { env: noPlaces });
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(
    result.stderr,
    /^error: option '--wait-clear <duration>' argument 'soon' is invalid\. expected a duration such as 30s or 2m, found "soon"/,
  );
  t.is(result.stdout, '');
});

for (const command of ['halt', 'resume'] as const)
  test(`${command} with no cluster and no Toxiproxy server: nowhere to write, exit 2`, async (t) => {
    const result = await runInProcess([command], { env: noPlaces });
    t.is(result.exitCode, ExitCode.invalidInput);
    t.regex(result.stderr, /^faultline: nowhere to (write|lift) the halt: no cluster configured/);
    t.is(result.stdout, '');
  });

test('halt on an invalid experiment: its problems at FILE:LINE:COL, exit 2, nothing written', async (t) => {
  const experiment = scratch('invalid.yaml');
  writeFileSync(experiment, offlineExperiment.replace('duration: 60s', 'duration: soon'));
  const result = await runInProcess(['halt', experiment], { env: noPlaces });
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /invalid\.yaml:6:13: error: spec\.duration/);
  t.regex(result.stderr, /faultline: .*invalid\.yaml is not a valid experiment/);
  t.is(result.stdout, '');
});

test('halt on an unreachable Toxiproxy: named on stderr, exit 6', async (t) => {
  const result = await runInProcess(['halt', '--toxiproxy', 'http://127.0.0.1:9', '--reason', 'drill'], {
    env: noPlaces,
  });
  t.is(result.exitCode, ExitCode.environmentError);
  t.regex(result.stderr, /^could not halt at Toxiproxy http:\/\/127\.0\.0\.1:9: /);
});

test('status --output yaml: a usage error, exit 2', async (t) => {
  const result = await runInProcess(['status', '--output', 'yaml'], { env: noPlaces });
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /argument 'yaml' is invalid\. Allowed choices are text, json/);
});

test('status lists the orphan of a dead run in the ledger without reverting it; recover then reverts it', async (t) => {
  const touched = scratch('reverted');
  const ledger = scratch('ledger.jsonl');
  writeFileSync(ledger, `${deadRunOpenLine('20260101T000000Z-abcd/undo-it', revertTouching(touched))}\n`);
  const status = await runInProcess(['status', '--ledger', ledger], { env: noPlaces });
  t.is(status.exitCode, ExitCode.ok, status.stderr);
  t.is(
    status.stdout,
    [
      'halt: none',
      'live runs: none',
      'orphans: 1 (`faultline recover` reverts them)',
      `  ${described(touched)} of run 20260101T000000Z-abcd (found in ledger: the process that ran it is gone)`,
      'looked at: nothing (no cluster, no Toxiproxy server: give an experiment, --toxiproxy or a kubeconfig)',
      '',
    ].join('\n'),
  );
  t.false(existsSync(touched), 'status reverted nothing');

  const json = await runInProcess(['status', '--ledger', ledger, '--output', 'json'], { env: noPlaces });
  t.is(json.exitCode, ExitCode.ok);
  t.deepEqual(JSON.parse(json.stdout), {
    places: [],
    halt: null,
    haltReadEverywhere: true,
    live: [],
    orphans: [
      {
        runId: '20260101T000000Z-abcd',
        fault: described(touched),
        source: 'ledger',
        why: 'the process that ran it is gone',
      },
    ],
    leftAlone: [],
    errors: [],
  });

  const recovered = await runInProcess(['recover', '--ledger', ledger, '--no-nodes'], { env: noPlaces });
  t.is(recovered.exitCode, ExitCode.ok, recovered.stderr);
  t.true(existsSync(touched), 'recover reverted it');
  const after = await runInProcess(['status', '--ledger', ledger], { env: noPlaces });
  t.regex(after.stdout, /^orphans: none$/m);
});

test("recover leaves a live run's fault alone and says why; --force reverts it with a warning naming the run", async (t) => {
  const alive = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.teardown(() => alive.kill('SIGKILL'));
  const touched = scratch('forced');
  const ledger = scratch('ledger.jsonl');
  const line = JSON.parse(deadRunOpenLine('20260101T000000Z-beef/undo-it', revertTouching(touched)));
  writeFileSync(ledger, `${JSON.stringify({ ...line, pid: alive.pid })}\n`);

  const left = await runInProcess(['recover', '--ledger', ledger, '--no-nodes'], { env: noPlaces });
  t.is(left.exitCode, ExitCode.ok, left.stderr);
  t.is(
    left.stdout,
    [
      `live     ${described(touched)} of run 20260101T000000Z-beef (ledger): left alone, its process still runs on this host`,
      'left alone: the live run 20260101T000000Z-beef (its process still runs on this host); `faultline recover --force` would revert its faults too',
      'nothing to recover',
      '',
    ].join('\n'),
  );
  t.false(existsSync(touched));

  const status = await runInProcess(['status', '--ledger', ledger], { env: noPlaces });
  t.regex(status.stdout, /^orphans: none$/m, 'a live run has no orphans');

  const forced = await runInProcess(['recover', '--ledger', ledger, '--no-nodes', '--force'], {
    env: noPlaces,
  });
  t.is(forced.exitCode, ExitCode.ok, forced.stderr);
  t.true(existsSync(touched), 'forced: reverted');
  t.regex(forced.stdout, /^reverted the fault reverted by touch .* \(ledger: reverted\)$/m);
  t.is(
    forced.stderr,
    'warning: --force reverted the faults of the live run 20260101T000000Z-beef (its process still runs on this host): its verdict no longer means anything\n',
  );
});

test('status with a Toxiproxy server that does not answer: what it saw on stdout, the server named on stderr, exit 6', async (t) => {
  const result = await runInProcess(
    ['status', '--toxiproxy', 'http://127.0.0.1:9', '--ledger', scratch('ledger.jsonl')],
    { env: noPlaces },
  );
  t.is(result.exitCode, ExitCode.environmentError);
  t.regex(result.stdout, /^halt: none found, but not every place could be read \(see stderr\)$/m);
  t.regex(result.stdout, /^live runs: none$/m);
  t.regex(result.stdout, /^looked at: Toxiproxy http:\/\/127\.0\.0\.1:9$/m);
  t.regex(result.stderr, /^could not read http:\/\/127\.0\.0\.1:9: /m);
});
