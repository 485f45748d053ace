// Every command run in-process, as the entry runs it, with in-memory streams: the exit code and
// exactly what was printed, with no child process and no server.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { offlineExperiment } from '../../helpers/fault-only-experiment.ts';
import { runInProcess } from '../../helpers/in-process-cli.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-commands-'));
let count = 0;
const scratch = (name: string) => join(dir, `${++count}-${name}`);
const write = (name: string, text: string) => {
  const file = scratch(name);
  writeFileSync(file, text);
  return file;
};
// A regular file: nothing can be created under it, whoever runs the test (root included).
const regularFile = write('regular-file', 'not a directory\n');

test('plan on an invalid file: every problem at FILE:LINE:COL on stderr, exit 2, nothing on stdout', async (t) => {
  const file = write('invalid.yaml', offlineExperiment.replace('duration: 60s', 'duration: soon'));
  const result = await runInProcess(['plan', file]);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.is(
    result.stderr,
    `${file}:6:13: error: spec.duration: expected a duration such as 500ms, 30s, 2m or 1h, found "soon"\n`,
  );
  t.is(result.stdout, '');
});

test('plan shows the load it will send, with a secret in its URL redacted', async (t) => {
  const file = write(
    'load.yaml',
    `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: plan-load }
spec:
  duration: 10s
  secrets:
    TOKEN: { env: PLAN_TOKEN }
  load:
    - name: shoppers
      http: { url: "http://127.0.0.1:9/?token=\${TOKEN}", timeout: 2s }
      expect: { status: 200 }
      rate: 200/s
      ramp: { from: 0/s, over: 4s }
  hypothesis:
    probes:
      - name: no-request-lost
        load: { stream: shoppers, window: 2s }
        expect: { lostRequests: { equals: 0 } }
    during: { every: 1s, failAfter: 1 }
  faults:
    - name: noop
      command: { run: ["true"] }
      start: 2s
      duration: 3s
`,
  );
  const result = await runInProcess(['plan', file], { env: { PLAN_TOKEN: 's3cret-token' } });
  t.is(result.exitCode, ExitCode.ok, result.stderr);
  const load = result.stdout.split('\n\n').find((block) => block.startsWith('Load '));
  t.is(
    load,
    [
      'Load (sent from before the steady state is checked until after it is checked again):',
      '  shoppers: GET http://127.0.0.1:9/?token=*** at 0/s ramping to 200/s over 4s, timeout 2s, expecting status 200, at most 616 in flight; about 2000 requests during the method',
      '  the steady state before is checked after 4s of load',
    ].join('\n'),
  );
  t.false(result.stdout.includes('s3cret-token'));
});

test('run with an unresolved variable: exit 2, and neither a ledger nor a report directory appears', async (t) => {
  const file = write(
    'unresolved.yaml',
    offlineExperiment.replace('"http://127.0.0.1:9"', '"${TOXIPROXY_URL}"'),
  );
  const ledger = scratch('ledger.jsonl');
  const reports = scratch('reports');
  const result = await runInProcess(['run', file, '--ledger', ledger, '--report-dir', reports]);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(
    result.stderr,
    /:14:25: error: spec\.faults\[0\]\.toxiproxy\.url: unresolved variable \$\{TOXIPROXY_URL\}/,
  );
  t.is(result.stdout, '');
  t.false(existsSync(ledger));
  t.false(existsSync(reports));
});

for (const [flag, value, message] of [
  ['--revert-timeout', '3x', 'expected a duration such as 30s or 2m, found "3x"'],
  ['--seed', '1.5', 'expected an integer from 0 to 4294967295, found "1.5"'],
  ['--var', '1X=2', 'expected KEY=VALUE with KEY of letters, digits and _, found "1X=2"'],
] as const) {
  test(`run ${flag} ${value}: a usage error at parse time, exit 2`, async (t) => {
    const result = await runInProcess(['run', write('fine.yaml', offlineExperiment), flag, value]);
    t.is(result.exitCode, ExitCode.invalidInput);
    t.true(result.stderr.startsWith(`error: option '${flag} `), result.stderr);
    t.true(result.stderr.includes(message), result.stderr);
  });
}

test('report: md to stdout, exit 0', async (t) => {
  const journal = join(projectRoot, 'test/fixtures/journals/deviated-fragile-latency.json');
  const result = await runInProcess(['report', journal, '--format', 'md']);
  t.is(result.exitCode, ExitCode.ok, result.stderr);
  t.regex(result.stdout, /^# Experiment report: fragile-slow-catalog\n/);
  t.is(result.stderr, '');
});

test('report --out where no file can be written: exit 6, one sentence', async (t) => {
  const journal = join(projectRoot, 'test/fixtures/journals/deviated-fragile-latency.json');
  const out = join(regularFile, 'report.md');
  const result = await runInProcess(['report', journal, '--format', 'md', '--out', out]);
  t.is(result.exitCode, ExitCode.environmentError);
  t.regex(result.stderr, new RegExp(`^faultline: could not write the report ${out}: E[A-Z]+: .*\\n$`));
  t.is(result.stdout, '');
});

test('init writes the starters, then refuses to overwrite them (exit 2)', async (t) => {
  const target = scratch('init');
  const first = await runInProcess(['init', target]);
  t.is(first.exitCode, ExitCode.ok, first.stderr);
  t.deepEqual(readdirSync(target).sort(), ['experiment.yaml', 'schedule.yaml']);
  t.regex(first.stdout, /^wrote .*experiment\.yaml\nwrote .*schedule\.yaml\nnext: npx faultline validate /);
  const again = await runInProcess(['init', target]);
  t.is(again.exitCode, ExitCode.invalidInput);
  t.regex(again.stderr, /^not overwriting .*experiment\.yaml and .*schedule\.yaml \(use --force\)\n$/);
});

test('schedule --next 3 --from: three fires in the schedule time zone, exit 0', async (t) => {
  const result = await runInProcess(
    [
      'schedule',
      join(projectRoot, 'experiments/gameday.yaml'),
      '--next',
      '3',
      '--from',
      '2026-03-23T00:00:00+01:00',
    ],
    {
      env: {
        STOREFRONT_URL: 'http://s',
        TOXIPROXY_URL: 'http://t',
        PROMETHEUS_URL: 'http://p',
        WEBHOOK_URL: 'http://w',
      },
    },
  );
  t.is(result.exitCode, ExitCode.ok, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  t.is(lines.length, 3);
  t.is(lines[0], '2026-03-24T10:30:00+01:00  checkout-pod-kill  checkout-pod-kill.yaml');
  t.regex(result.stderr, /^next fires of shop-gameday after .* \(Europe\/Berlin\)/m);
});

test('recover with a ledger holding nothing open: "nothing to recover", exit 0', async (t) => {
  const ledger = write('empty-ledger.jsonl', '');
  const result = await runInProcess(['recover', '--ledger', ledger, '--no-nodes'], { env: {} });
  t.is(result.exitCode, ExitCode.ok, result.stderr);
  t.is(result.stdout, 'nothing to recover\n');
  t.is(result.stderr, '');
});

test('run with --report-dir under a regular file: exit 6 at once, one sentence, nothing touched', async (t) => {
  const ledger = scratch('ledger.jsonl');
  const reportDir = join(regularFile, 'reports');
  const result = await runInProcess([
    'run',
    write('fine.yaml', offlineExperiment),
    '--ledger',
    ledger,
    '--report-dir',
    reportDir,
  ]);
  t.is(result.exitCode, ExitCode.environmentError);
  const last = result.stderr.trimEnd().split('\n').at(-1) ?? '';
  t.regex(last, new RegExp(`^faultline: could not create the report directory ${reportDir}/\\S+: E[A-Z]+: `));
  t.notRegex(result.stderr, /^\s+at /m, 'no stack');
  t.notRegex(result.stderr, /steady state|injected/, 'the run never started');
  t.is(readFileSync(ledger, 'utf8'), '', 'nothing was recorded in the ledger');
});

test('run with the ledger under a regular file: exit 6, one sentence naming the ledger', async (t) => {
  const ledger = join(regularFile, 'ledger.jsonl');
  const result = await runInProcess(
    ['run', write('fine.yaml', offlineExperiment), '--report-dir', scratch('r')],
    {
      env: { FAULTLINE_LEDGER: ledger },
    },
  );
  t.is(result.exitCode, ExitCode.environmentError);
  t.regex(result.stderr, new RegExp(`^faultline: fault ledger ${ledger}: cannot [^\\n]*\\n$`));
});

test('--debug adds the stack and its cause, wherever it is given', async (t) => {
  const ledger = join(regularFile, 'ledger.jsonl');
  for (const args of [
    ['--debug', 'recover', '--ledger', ledger, '--no-nodes'],
    ['recover', '--ledger', ledger, '--no-nodes', '--debug'],
  ]) {
    const result = await runInProcess(args, { env: {} });
    t.is(result.exitCode, ExitCode.environmentError);
    t.regex(result.stderr, /^faultline: fault ledger .*\nLedgerError: fault ledger /);
    t.regex(result.stderr, /^\s+at openFaultLedger /m);
    t.regex(result.stderr, /^caused by: Error: E[A-Z]+: /m);
  }
});

// No Toxiproxy answers here, so the run stops at picking its targets (verdict error); the token is
// in the experiment three times, and in the messages that say what could not be reached.
test('a secret is never printed, and the journal holds the experiment as written', async (t) => {
  const token = 'tok-7Qz9xK2pR4';
  const file = write(
    'secret.yaml',
    offlineExperiment
      .replace(
        `        command: { run: ["true"] }
        expect: { exitCode: 0 }`,
        `        http: { url: "http://127.0.0.1:9/?token=\${TOKEN}", headers: { Authorization: "Bearer \${TOKEN}" }, timeout: 1s }
        expect: { status: 200 }`,
      )
      .replace('url: "http://127.0.0.1:9"', 'url: "http://127.0.0.1:9/${TOKEN}"')
      .replace('  duration: 60s', '  secrets: { TOKEN: { env: FAULTLINE_TEST_TOKEN } }\n  duration: 60s'),
  );
  const reports = scratch('reports');
  const result = await runInProcess(
    ['run', file, '--ledger', scratch('ledger.jsonl'), '--report-dir', reports],
    { env: { FAULTLINE_TEST_TOKEN: token } },
  );
  t.is(result.exitCode, ExitCode.environmentError, result.stderr);
  t.regex(
    result.stdout,
    /verdict: error — could not pick the targets: toxiproxy http:\/\/127\.0\.0\.1:9\/\*\*\*/,
  );
  t.regex(result.stderr, /could not scan http:\/\/127\.0\.0\.1:9\/\*\*\* for /);
  t.false(result.stdout.includes(token) || result.stderr.includes(token), 'nothing printed shows the token');
  const [runDir = ''] = readdirSync(reports);
  const journal = JSON.parse(readFileSync(join(reports, runDir, 'journal.json'), 'utf8'));
  const probe = journal.experiment.spec.hypothesis.probes[0].http;
  t.is(probe.url, 'http://127.0.0.1:9/?token=${TOKEN}');
  t.is(probe.headers.Authorization, 'Bearer ${TOKEN}');
  t.is(journal.experiment.spec.faults[0].toxiproxy.url, 'http://127.0.0.1:9/${TOKEN}');
  for (const name of readdirSync(join(reports, runDir)))
    t.false(readFileSync(join(reports, runDir, name), 'utf8').includes(token), name);
});
