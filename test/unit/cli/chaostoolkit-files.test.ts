// `validate`, `plan` and `run` given a Chaos Toolkit experiment as it is, in-process: the file is
// recognised by its shape (whatever its name), imported on the way, and every problem is shown at
// its FILE:LINE:COL in the file the user wrote, with exit 2 and nothing touched.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ImportOptions } from '../../../src/chaostoolkit/convert-chaostoolkit.ts';
import { ExitCode } from '../../../src/exit-codes.ts';
import { loadExperimentFile } from '../../../src/loader/load-experiment-file.ts';
import { runInProcess } from '../../helpers/in-process-cli.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const fixtures = join(projectRoot, 'test/fixtures/chaostoolkit');
const latency = join(fixtures, 'side-by-side-latency.json');
const podKill = join(fixtures, 'side-by-side-terminate-pods.yaml');
const dir = mkdtempSync(join(tmpdir(), 'faultline-ctk-files-'));
// Nothing listens on port 9 (discard): a run that got as far as a server would fail loudly.
const offline = {
  STOREFRONT_UNDER_TEST: 'http://127.0.0.1:9',
  STOREFRONT_URL: 'http://127.0.0.1:9',
  TOXIPROXY_PORT: '9',
};

test('validate: a Chaos Toolkit file is imported on the way and said to be one; a Faultline file is not', async (t) => {
  const faultline = join(projectRoot, 'experiments/checkout-pod-kill.yaml');
  const result = await runInProcess(['validate', latency, podKill, faultline], { env: offline });
  t.is(result.exitCode, ExitCode.ok, result.stderr);
  const note = (file: string) =>
    `a Chaos Toolkit experiment, imported; \`faultline import ${file}\` shows the 2 places where the meaning shifts`;
  t.deepEqual(result.stdout.trim().split('\n'), [
    `ok ${latency} (${note(latency)})`,
    `ok ${podKill} (${note(podKill)})`,
    `ok ${faultline}`,
  ]);
  t.is(result.stderr, '');
});

test('the shape decides, not the name: a Chaos Toolkit file without an extension, or named .yaml holding JSON', async (t) => {
  const bare = join(dir, 'experiment');
  copyFileSync(podKill, bare);
  const jsonAsYaml = join(dir, 'latency.yaml');
  copyFileSync(latency, jsonAsYaml);
  const result = await runInProcess(['validate', bare, jsonAsYaml], { env: offline });
  t.is(result.exitCode, ExitCode.ok, result.stderr);
  t.regex(result.stdout, /^ok .*\/experiment \(a Chaos Toolkit experiment, imported;/m);
  t.regex(result.stdout, /^ok .*\/latency\.yaml \(a Chaos Toolkit experiment, imported;/m);
});

test('validate: what cannot be imported is every problem at FILE:LINE:COL in the Chaos Toolkit file, exit 2', async (t) => {
  const unmapped = join(fixtures, 'unmapped-method.yaml');
  const result = await runInProcess(['validate', unmapped]);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.is(result.stdout, `${unmapped}: 17 errors, 0 warnings\n`);
  const lines = result.stderr.trim().split('\n');
  t.is(lines.length, 17);
  t.true(
    lines.every((line) => line.startsWith(`${unmapped}:`)),
    lines.join('\n'),
  );
  t.is(
    lines[0],
    `${unmapped}:13:5: error: method[0]: mycompany.chaos.break_things is a function of another Python module (mycompany.chaos): Faultline runs no Python code`,
  );
});

test('a broken Chaos Toolkit .json file is still recognised: a trailing comma is the JSON error at its line and column', async (t) => {
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, readFileSync(latency, 'utf8').replace('"timeout": 1', '"timeout": 1,'));
  const result = await runInProcess(['validate', broken]);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /^.*broken\.json:34:9: error: not valid JSON \(Chaos Toolkit reads a \.json file/);
});

test("a problem Faultline finds in the imported document is placed in the Chaos Toolkit file, the document's path beside it", async (t) => {
  const file = join(dir, 'bad-selector.yaml');
  writeFileSync(
    file,
    readFileSync(podKill, 'utf8').replace(
      'label_selector: app=checkout',
      'label_selector: "app in (checkout"',
    ),
  );
  const result = await runInProcess(['validate', file], { env: offline });
  t.is(result.exitCode, ExitCode.invalidInput);
  t.is(
    result.stderr,
    `${file}:33:5: error: method[0]: invalid label selector "app in (checkout": expected "," or ")" in the value list at column 17, found the end (imported as spec.faults[0].podKill.selector)\n`,
  );
});

test('run with a variable that is not set: exit 2 at the probe that reads it, no ledger, no report directory', async (t) => {
  const ledger = join(dir, 'ledger.jsonl');
  const reports = join(dir, 'reports');
  const result = await runInProcess(['run', latency, '--ledger', ledger, '--report-dir', reports], {
    env: { TOXIPROXY_PORT: '9' },
  });
  t.is(result.exitCode, ExitCode.invalidInput);
  t.is(
    result.stderr,
    `${latency}:26:7: error: ["steady-state-hypothesis"].probes[0]: unresolved variable \${STOREFRONT_UNDER_TEST} (set it in the environment, with --var or in spec.configuration) (imported as spec.hypothesis.probes[0].http.url)\n`,
  );
  t.is(result.stdout, '');
  t.false(existsSync(ledger));
  t.false(existsSync(reports));
});

test('run and plan on a file that does not map: exit 2, the same diagnostics as validate, nothing touched', async (t) => {
  const unmapped = join(fixtures, 'unmapped-hypothesis.yaml');
  const validated = await runInProcess(['validate', unmapped]);
  const ledger = join(dir, 'unmapped-ledger.jsonl');
  const ran = await runInProcess(['run', unmapped, '--ledger', ledger, '--report-dir', join(dir, 'r')]);
  const planned = await runInProcess(['plan', unmapped]);
  for (const result of [ran, planned]) {
    t.is(result.exitCode, ExitCode.invalidInput);
    t.is(result.stderr, validated.stderr);
    t.is(result.stdout, '');
  }
  t.regex(validated.stderr, /unmapped-hypothesis\.yaml:\d+:\d+: error: /);
  t.false(existsSync(ledger));
});

test("chaos run's flags: --fail-fast with continuously checks at the frequency and fails at once", async (t) => {
  const load = (chaosToolkit: ImportOptions) => loadExperimentFile(latency, { env: offline, chaosToolkit });
  const byDefault = await load({});
  t.deepEqual(byDefault.experiment?.spec.hypothesis.during, { every: '8s', failAfter: 1 });
  const failFast = await load({ strategy: 'continuously', frequencySeconds: 0.5, failFast: true });
  t.deepEqual(failFast.experiment?.spec.hypothesis.during, { every: '500ms', failAfter: 1 });
});

test("chaos run's flags are checked as chaos run checks them: a usage error, exit 2", async (t) => {
  const frequency = await runInProcess(['plan', latency, '--hypothesis-frequency', '0'], { env: offline });
  t.is(frequency.exitCode, ExitCode.invalidInput);
  t.regex(frequency.stderr, /'--hypothesis-frequency <seconds>' argument '0' is invalid/);
  const strategy = await runInProcess(['validate', latency, '--hypothesis-strategy', 'sometimes']);
  t.is(strategy.exitCode, ExitCode.invalidInput);
  t.regex(strategy.stderr, /expected one of default, .*continuously.*, found "sometimes"/);
});

test('run --ctk-journal on a Faultline experiment: a usage error naming why, exit 2, nothing run', async (t) => {
  const ledger = join(dir, 'ctk-journal-ledger.jsonl');
  const faultline = join(projectRoot, 'experiments/checkout-pod-kill.yaml');
  const result = await runInProcess([
    'run',
    faultline,
    '--ledger',
    ledger,
    '--ctk-journal',
    join(dir, 'j.json'),
  ]);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.is(
    result.stderr,
    `${faultline}: error: --ctk-journal writes the journal of a Chaos Toolkit experiment, and this is a Faultline one\n`,
  );
  t.false(existsSync(ledger));
  t.false(existsSync(join(dir, 'j.json')));
});
