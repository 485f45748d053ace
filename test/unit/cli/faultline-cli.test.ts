// The CLI entry point, run the way a user runs it: `npx faultline ...` or cli/faultline.ts as a
// child process. The entry is the one place that ends the process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { offlineExperiment } from '../../helpers/fault-only-experiment.ts';
import { runFaultline } from '../../helpers/faultline-process.ts';
import { runInProcess } from '../../helpers/in-process-cli.ts';
import { runProcess } from '../../helpers/run-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as { version: string };
const faultline = (...args: string[]) =>
  runProcess('npx', ['--no-install', 'faultline', ...args], { cwd: projectRoot });

const dir = mkdtempSync(join(tmpdir(), 'faultline-entry-'));
const regularFile = join(dir, 'regular-file');
writeFileSync(regularFile, 'not a directory\n');
const experiment = join(dir, 'offline.yaml');
writeFileSync(experiment, offlineExperiment);

test('--version prints the package version', async (t) => {
  const result = await faultline('--version');
  t.is(result.exitCode, 0, result.stderr);
  t.is(result.stdout.trim(), pkg.version);
});

test('--help describes the runner and the --debug flag', async (t) => {
  const result = await faultline('--help');
  t.is(result.exitCode, 0, result.stderr);
  t.regex(result.stdout, /^Usage: faultline/m);
  t.regex(result.stdout, /steady-state hypothes/);
  t.regex(result.stdout, /--debug +print the stack of an unexpected error/);
});

test('an unknown command is invalid input', async (t) => {
  const result = await faultline('no-such-command');
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /no-such-command|too many arguments|unknown command/);
});

test('a journal that cannot be written: exit 6 before anything is touched, one sentence, no stack', async (t) => {
  const ledger = join(dir, 'ledger-report-dir.jsonl');
  const reportDir = join(regularFile, 'reports');
  const result = await runFaultline(['run', experiment, '--ledger', ledger, '--report-dir', reportDir]);
  t.is(result.exitCode, ExitCode.environmentError, result.stderr);
  const lines = result.stderr.trimEnd().split('\n');
  t.is(lines.length, 2, result.stderr);
  t.regex(lines[0] ?? '', /^run \S+ of offline \(seed \d+\); ledger /);
  t.regex(
    lines[1] ?? '',
    new RegExp(`^faultline: could not create the report directory ${reportDir}/\\S+: E[A-Z]+: `),
  );
  t.is(result.stdout, '');
  t.is(readFileSync(ledger, 'utf8'), '', 'no fault was recorded, so none was injected');
});

test('a ledger at an unusable path ($FAULTLINE_LEDGER): exit 6, one sentence; --debug adds the stack', async (t) => {
  const env = { ...process.env, FAULTLINE_LEDGER: join(regularFile, 'ledger.jsonl') };
  const plain = await runFaultline(['run', experiment, '--report-dir', join(dir, 'reports')], env);
  t.is(plain.exitCode, ExitCode.environmentError, plain.stderr);
  t.regex(plain.stderr, /^faultline: fault ledger \S+ledger\.jsonl: cannot [^\n]+\n$/);
  const debug = await runFaultline(['run', experiment, '--report-dir', join(dir, 'reports'), '--debug'], env);
  t.is(debug.exitCode, ExitCode.environmentError);
  t.regex(debug.stderr, /^faultline: fault ledger /);
  t.regex(debug.stderr, /^\s+at openFaultLedger \(/m);
  t.regex(debug.stderr, /^caused by: Error: E[A-Z]+/m);
});

// A device such as /dev/full (the usual way to try ENOSPC) was read forever on the way in, the
// event loop blocked and signals unheard, until the machine ran out of memory. A FIFO shows the
// same without the risk: reading one with no writer waits forever.
test('a ledger that is not a regular file: exit 6 at once, never a read that does not end', async (t) => {
  const fifo = join(dir, 'ledger.fifo');
  execFileSync('mkfifo', [fifo]);
  const result = await runProcess(
    process.execPath,
    [`${projectRoot}cli/faultline.ts`, 'recover', '--ledger', fifo, '--no-nodes'],
    { cwd: projectRoot, timeoutMs: 100_000 },
  );
  t.is(result.exitCode, ExitCode.environmentError, result.stderr);
  t.is(result.stderr, `faultline: fault ledger ${fifo}: cannot use it: it is not a regular file\n`);
});

test('stdout is complete when the process exits: a long report through a pipe', async (t) => {
  // A journal of two hours: the report is far longer than a pipe's buffer.
  const fixture = JSON.parse(
    readFileSync(`${projectRoot}test/fixtures/journals/held-pod-kill-rounds.json`, 'utf8'),
  );
  const [first] = fixture.samples;
  fixture.samples = Array.from({ length: 7_200 }, (_, i) => ({ ...first, at: first.at + i * 1_000 }));
  const journal = join(dir, 'long-journal.json');
  writeFileSync(journal, JSON.stringify(fixture));
  const expected = await runInProcess(['report', journal, '--format', 'html']);
  const piped = await runFaultline(['report', journal, '--format', 'html']);
  t.is(piped.exitCode, 0, piped.stderr);
  t.true(expected.stdout.length > 100_000, `a report of ${expected.stdout.length} characters`);
  t.is(piped.stdout.length, expected.stdout.length);
  t.is(piped.stdout, expected.stdout);
});
