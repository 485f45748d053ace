// `faultline import` run the way a user runs it: `npx faultline import FILE --out FILE` on a real
// Chaos Toolkit experiment, then `faultline validate` on what it wrote.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { ExitCode } from '../../../src/exit-codes.ts';
import { runProcess } from '../../helpers/run-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';
import { chaosToolkitCorpus } from '../../helpers/shared-corpus.ts';

const faultline = (...args: string[]) =>
  runProcess('npx', ['--no-install', 'faultline', ...args], { cwd: projectRoot });
const directory = mkdtempSync(join(tmpdir(), 'faultline-import-'));
const corpus = chaosToolkitCorpus();

test('a real experiment imports with --out, and validate accepts what it wrote', async (t) => {
  const source = join(corpus, 'glenashwood-kind-node-drain.yaml');
  const out = join(directory, 'node-drain.yaml');
  const imported = await faultline('import', source, '--out', out);
  t.is(imported.exitCode, ExitCode.held, imported.stderr);
  t.is(imported.stdout, '');
  t.deepEqual(imported.stderr.trim().split('\n'), [
    `${source}:35:22: warning: method[0].provider.arguments.pod_namespace: pod_namespace is ignored: Chaos Toolkit uses it only with pod_label_selector`,
    `imported ${source} into ${out}: 4 comments where the meaning shifts, 1 warning`,
  ]);
  const text = readFileSync(out, 'utf8');
  t.regex(text, /^# Imported by faultline import from /);
  t.regex(text, /# the rollback "uncordon-node" \(it undoes drain-node\) is not needed/);
  const validated = await faultline('validate', out, '--var', 'INGRESS_HOST=127.0.0.1');
  t.is(validated.exitCode, ExitCode.held, validated.stderr);
  t.is(validated.stdout, `ok ${out}\n`);
});

test('without --out the experiment goes to stdout; the flags of chaos run set hypothesis.during', async (t) => {
  const source = join(projectRoot, 'test/fixtures/chaostoolkit/toxiproxy-latency.json');
  const result = await faultline('import', source, '--hypothesis-frequency', '2', '--fail-fast');
  t.is(result.exitCode, ExitCode.held, result.stderr);
  const document = parse(result.stdout) as { kind: string; spec: { hypothesis: { during: unknown } } };
  t.is(document.kind, 'Experiment');
  t.deepEqual(document.spec.hypothesis.during, { every: '2s', failAfter: 1 });
});

test('an experiment that does not map exits 2 with every problem at FILE:LINE:COL, and writes nothing', async (t) => {
  const source = join(corpus, 'chaosiq-lab4-prometheus.json');
  const out = join(directory, 'lab4.yaml');
  const result = await faultline('import', source, '--out', out);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.is(result.stdout, '');
  const lines = result.stderr.trim().split('\n');
  t.deepEqual(
    lines.map((line) => line.replace(source, 'FILE').split(': ').slice(0, 2).join(': ')),
    [
      'FILE:32:22: error',
      'FILE:70:5: error',
      'FILE:97:5: error',
      'FILE:113:5: error',
      'FILE: 4 errors, 0 warnings; nothing written',
    ],
  );
  t.regex(lines[1] ?? '', /chaosk8s\.networking\.actions\.deny_all_ingress does not map/);
  t.false(existsSync(out));
});

test('a file that cannot be read, and a flag out of range, are invalid input', async (t) => {
  const missing = await faultline('import', join(directory, 'nope.json'));
  t.is(missing.exitCode, ExitCode.invalidInput);
  t.regex(missing.stderr, /nope\.json: error: cannot read the file \(ENOENT\)/);
  const badFlag = await faultline(
    'import',
    join(corpus, 'playground-kill-pods.json'),
    '--hypothesis-strategy',
    'sometimes',
  );
  t.is(badFlag.exitCode, ExitCode.invalidInput);
  t.regex(
    badFlag.stderr,
    /expected one of default, before-method-only, after-method-only, during-method-only, continuously, skip/,
  );
});
