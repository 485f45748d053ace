// `faultline validate`: in memory through validateFiles, and as a user runs it (npx, a child process).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { collectVar, validateFiles } from '../../../cli/commands/validate.ts';
import { ExitCode } from '../../../src/exit-codes.ts';
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

function memoryIo(options: { colour?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    env: options.env ?? {},
    writeOut: (text: string) => out.push(text),
    writeErr: (text: string) => err.push(text),
    colourOut: options.colour ?? false,
    colourErr: options.colour ?? false,
  };
  return { io, out, err };
}

test('the shipped experiments are all there', (t) => {
  t.deepEqual(shipped.sort(), [
    'experiments/catalog-partition.yaml',
    'experiments/checkout-pod-kill.yaml',
    'experiments/gameday.yaml',
    'experiments/storefront-survives-slow-catalog.yaml',
  ]);
});

test('valid files: ok per file, warnings for unresolved variables, exit 0', async (t) => {
  const { io, out, err } = memoryIo();
  const exitCode = await validateFiles(
    shipped.map((file) => join(projectRoot, file)),
    {},
    io,
  );
  t.is(exitCode, ExitCode.held);
  t.deepEqual(
    out.map((line) => line.replace(projectRoot, '')),
    [
      'ok experiments/catalog-partition.yaml (4 warnings)\n',
      'ok experiments/checkout-pod-kill.yaml\n',
      'ok experiments/gameday.yaml (1 warning)\n',
      'ok experiments/storefront-survives-slow-catalog.yaml (4 warnings)\n',
    ],
  );
  t.is(err.length, 9);
  t.true(
    err.every((line) =>
      /^\S+\.yaml:\d+:\d+: warning: .*(unresolved variable|variable \S+ is not set)/.test(line),
    ),
  );
});

test('variables from the environment and --var silence the warnings', async (t) => {
  const { io, out, err } = memoryIo({
    env: { STOREFRONT_URL: 'http://storefront', TOXIPROXY_URL: 'http://toxiproxy' },
  });
  const exitCode = await validateFiles(
    [join(projectRoot, 'experiments/storefront-survives-slow-catalog.yaml')],
    { PROMETHEUS_URL: 'http://prometheus' },
    io,
  );
  t.is(exitCode, ExitCode.held);
  t.deepEqual(err, []);
  t.regex(out.join(''), /^ok .*storefront-survives-slow-catalog\.yaml\n$/);
});

test('an invalid file among valid ones: errors on stderr, a count on stdout, exit 2', async (t) => {
  const { io, out, err } = memoryIo();
  const exitCode = await validateFiles(
    [invalidFile, join(projectRoot, 'experiments/checkout-pod-kill.yaml')],
    {},
    io,
  );
  t.is(exitCode, ExitCode.invalidInput);
  t.deepEqual(err, [
    `${invalidFile}:5:3: error: spec: missing required field "hypothesis"\n`,
    `${invalidFile}:5:3: error: spec: missing required field "faults"\n`,
    `${invalidFile}:5:13: error: spec.duration: expected a duration such as 500ms, 30s, 2m or 1h, found "1 minute"\n`,
  ]);
  t.is(out[0], `${invalidFile}: 3 errors, 0 warnings\n`);
  t.regex(out[1] ?? '', /^ok .*checkout-pod-kill\.yaml\n$/);
});

test('colour only when asked for', async (t) => {
  const plain = memoryIo();
  await validateFiles([invalidFile], {}, plain.io);
  t.false([...plain.out, ...plain.err].join('').includes('\u001b['));
  const coloured = memoryIo({ colour: true });
  await validateFiles([invalidFile], {}, coloured.io);
  t.true(coloured.err[0]?.includes('\u001b[31merror\u001b[0m'));
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
  t.is(result.exitCode, ExitCode.held, result.stderr);
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
