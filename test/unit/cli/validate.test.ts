// `faultline validate`: in-process with in-memory streams, and as a user runs it (npx, a child process).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { collectVar } from '../../../cli/options.ts';
import { ExitCode } from '../../../src/exit-codes.ts';
import { runInProcess } from '../../helpers/in-process-cli.ts';
import { runProcess } from '../../helpers/run-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const directory = mkdtempSync(join(tmpdir(), 'faultline-validate-'));
const shipped = readdirSync(join(projectRoot, 'experiments'))
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => `experiments/${name}`);
const invalidFile = join(directory, 'invalid.yaml');
writeFileSync(
  invalidFile,
  'apiVersion: faultline.dev/v1alpha1\nkind: Experiment\nmetadata: { name: bad }\nspec:\n  duration: 1 minute\n',
);

const validate = (
  args: string[],
  options: { tty?: boolean; env?: Record<string, string | undefined> } = {},
) => runInProcess(['validate', ...args], options);

test('the shipped experiments are all there', (t) => {
  t.deepEqual(shipped.sort(), [
    'experiments/catalog-partition.yaml',
    'experiments/checkout-pod-kill.yaml',
    'experiments/gameday.yaml',
    'experiments/no-request-lost-under-reset-catalog.yaml',
    'experiments/storefront-survives-slow-catalog.yaml',
  ]);
});

test('valid files: ok per file, warnings for unresolved variables, exit 0', async (t) => {
  const { exitCode, stdout, stderr } = await validate(shipped.map((file) => join(projectRoot, file)));
  t.is(exitCode, ExitCode.ok);
  t.deepEqual(stdout.replaceAll(projectRoot, '').split('\n'), [
    'ok experiments/catalog-partition.yaml (4 warnings)',
    'ok experiments/checkout-pod-kill.yaml',
    'ok experiments/gameday.yaml (1 warning)',
    'ok experiments/no-request-lost-under-reset-catalog.yaml (2 warnings)',
    'ok experiments/storefront-survives-slow-catalog.yaml (4 warnings)',
    '',
  ]);
  const warnings = stderr.trimEnd().split('\n');
  t.is(warnings.length, 11);
  t.true(
    warnings.every((line) =>
      /^\S+\.yaml:\d+:\d+: warning: .*(unresolved variable|variable \S+ is not set)/.test(line),
    ),
  );
});

test('variables from the environment and --var silence the warnings', async (t) => {
  const { exitCode, stdout, stderr } = await validate(
    [
      join(projectRoot, 'experiments/storefront-survives-slow-catalog.yaml'),
      '--var',
      'PROMETHEUS_URL=http://prometheus',
    ],
    { env: { STOREFRONT_URL: 'http://storefront', TOXIPROXY_URL: 'http://toxiproxy' } },
  );
  t.is(exitCode, ExitCode.ok);
  t.is(stderr, '');
  t.regex(stdout, /^ok .*storefront-survives-slow-catalog\.yaml\n$/);
});

test('an invalid file among valid ones: errors on stderr, a count on stdout, exit 2', async (t) => {
  const { exitCode, stdout, stderr } = await validate([
    invalidFile,
    join(projectRoot, 'experiments/checkout-pod-kill.yaml'),
  ]);
  t.is(exitCode, ExitCode.invalidInput);
  t.is(
    stderr,
    [
      `${invalidFile}:5:3: error: spec: missing required field "hypothesis"\n`,
      `${invalidFile}:5:3: error: spec: missing required field "faults"\n`,
      `${invalidFile}:5:13: error: spec.duration: expected a duration such as 500ms, 30s, 2m or 1h, found "1 minute"\n`,
    ].join(''),
  );
  const [first, second] = stdout.split('\n');
  t.is(first, `${invalidFile}: 3 errors, 0 warnings`);
  t.regex(second ?? '', /^ok .*checkout-pod-kill\.yaml$/);
});

test('colour only on a terminal, and never with NO_COLOR or TERM=dumb', async (t) => {
  const plain = await validate([invalidFile]);
  t.false((plain.stdout + plain.stderr).includes('\u001b'));
  const coloured = await validate([invalidFile], { tty: true });
  t.true(coloured.stderr.includes('\u001b[31merror\u001b[39m'), coloured.stderr);
  for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }]) {
    const refused = await validate([invalidFile], { tty: true, env });
    t.false((refused.stdout + refused.stderr).includes('\u001b'), JSON.stringify(env));
  }
});

test('a malformed --var is a usage error, exit 2, in-process too', async (t) => {
  const result = await validate(['--var', 'oops', invalidFile]);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /--var <KEY=VALUE>' argument 'oops' is invalid\. expected KEY=VALUE/);
  t.is(result.stdout, '');
});

test('--var takes KEY=VALUE, the value may hold =', (t) => {
  t.deepEqual(collectVar('URL=http://x/?a=b', { A: '1' }), { A: '1', URL: 'http://x/?a=b' });
  t.deepEqual(collectVar('EMPTY='), { EMPTY: '' });
  t.throws(() => collectVar('NOVALUE'), { message: /expected KEY=VALUE/ });
  t.throws(() => collectVar('1X=2'), { message: /expected KEY=VALUE/ });
});

const faultline = (...args: string[]) =>
  runProcess('npx', ['--no-install', 'faultline', ...args], {
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: '1' },
  });

test('npx faultline validate experiments/*.yaml exits 0', async (t) => {
  const result = await faultline('validate', ...shipped);
  t.is(result.exitCode, ExitCode.ok, result.stderr);
  for (const file of shipped) t.true(result.stdout.includes(`ok ${file}`), result.stdout);
  t.notRegex(result.stderr, /: error: /);
});

test('npx faultline validate on an invalid file exits 2 with FILE:LINE:COL diagnostics', async (t) => {
  const result = await faultline('validate', invalidFile);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.true(
    result.stderr.includes(`${invalidFile}:5:13: error: spec.duration: expected a duration`),
    result.stderr,
  );
  t.is(result.stdout, `${invalidFile}: 3 errors, 0 warnings\n`);
});

test('npx faultline validate with a malformed --var is a usage error, exit 2', async (t) => {
  const result = await faultline('validate', '--var', 'oops', ...shipped);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /expected KEY=VALUE/);
  t.is(result.stdout, '');
});

test('an experiment module (.mts): validated by the same schema, its problems by field path, exit 2', async (t) => {
  const document = {
    apiVersion: 'faultline.dev/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'module' },
    spec: {
      duration: '${LENGTH}',
      hypothesis: { probes: [{ name: 'page', http: { url: 'http://shop.test/' }, expect: { status: 200 } }] },
      faults: [{ name: 'slow', toxiproxy: { url: 'http://t.test', proxy: 'catalog', toxic: 'latency' } }],
    },
  };
  const file = join(directory, 'checkout.experiment.mts');
  writeFileSync(file, `const document: object = ${JSON.stringify(document)};\nexport default document;\n`);
  const good = await validate([file], { env: { LENGTH: '30s' } });
  t.is(good.exitCode, ExitCode.ok, good.stderr);
  t.is(good.stdout, `ok ${file}\n`);
  const bad = await validate([file], { env: { LENGTH: 'a while' } });
  t.is(bad.exitCode, ExitCode.invalidInput);
  t.regex(
    bad.stderr,
    new RegExp(`^${file.replaceAll('.', '\\.')}: error: spec\\.duration: expected a duration`),
  );
});
