// Caps on what an input file may cost: its size, and what its YAML aliases expand it to. Through
// `faultline validate` as a user runs it, and through the loader for the details.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { maxAliasedNodes } from '../../../src/experiment/alias-expansion.ts';
import { formatDiagnostic } from '../../../src/experiment/diagnostic.ts';
import { loadExperiment, parseExperiment } from '../../../src/experiment/load-experiment.ts';
import { maxDocumentBytes, readSourceFile } from '../../../src/experiment/read-source-file.ts';
import { runProcess } from '../../helpers/run-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const directory = mkdtempSync(join(tmpdir(), 'faultline-caps-'));
const validate = (file: string) =>
  runProcess(process.execPath, [`${projectRoot}cli/faultline.ts`, 'validate', file], { cwd: directory });

const head = `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: caps }
spec:
  duration: 60s
`;
const tail = `  faults:
    - name: kill
      podKill: { namespace: shop, selector: app=checkout }
`;

// A valid experiment that YAML's per-anchor alias limit lets through: one anchored map of 1000
// headers, used by 1000 probes: 200 KB that stand for a million headers (100 MB in the journal).
function wideAliasDocument(): { text: string; crossingLine: number } {
  const headers = Array.from({ length: 1000 }, (_, i) => `            X-Header-${i}: "${'v'.repeat(90)}"`);
  const probes = Array.from(
    { length: 999 },
    (_, i) =>
      `      - { name: p${i + 1}, http: { url: "http://shop/", headers: *h }, expect: { status: 200 } }`,
  );
  const first = [
    '      - name: p0',
    '        http:',
    '          url: "http://shop/"',
    '          headers: &h',
    ...headers,
    '        expect: { status: 200 }',
  ];
  const text = `${head}  hypothesis:\n    probes:\n${[...first, ...probes].join('\n')}\n${tail}`;
  // Each use stands for 2001 nodes (the map, its keys and values): the cap is crossed at use 50.
  const crossingProbe = Math.floor(maxAliasedNodes / 2001) + 1;
  const crossingLine = text.split('\n').findIndex((line) => line.includes(`name: p${crossingProbe},`)) + 1;
  return { text, crossingLine };
}

test('a document whose aliases stand for a million nodes is refused at the alias that crosses the cap', async (t) => {
  const { text, crossingLine } = wideAliasDocument();
  const file = join(directory, 'wide-aliases.yaml');
  writeFileSync(file, text);
  t.true(text.length < 250_000);
  const result = await validate(file);
  t.is(result.exitCode, ExitCode.invalidInput, result.stdout + result.stderr);
  const column = (text.split('\n')[crossingLine - 1] ?? '').indexOf('*h') + 1;
  t.regex(
    result.stdout + result.stderr,
    new RegExp(
      `wide-aliases\\.yaml:${crossingLine}:${column}: error: the aliases of this document stand for more than ${maxAliasedNodes} nodes \\(here \\*h alone stands for 2001\\)`,
    ),
  );
});

test('a nested "billion laughs" document is refused with a position, at once', (t) => {
  const levels = ['  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level <= 9; level++) {
    const previous = `*l${level - 1}`;
    levels.push(`  l${level}: &l${level} [${Array(10).fill(previous).join(', ')}]`);
  }
  const text = `${head}  x:\n${levels.join('\n')}\n${tail}`;
  const result = parseExperiment(text, 'laughs.yaml');
  t.is(result.experiment, undefined);
  t.deepEqual(result.diagnostics.map(formatDiagnostic), [
    `laughs.yaml:11:47: error: the aliases of this document stand for more than ${maxAliasedNodes} nodes (here *l3 alone stands for 11111): a document that expands this much is refused`,
  ]);
});

test('an alias inside the node it names is refused, not followed forever', (t) => {
  const text = `${head.replace('metadata: { name: caps }', 'metadata: &m { name: caps, labels: *m }')}${tail}`;
  const result = parseExperiment(text, 'cycle.yaml');
  t.deepEqual(result.diagnostics.map(formatDiagnostic), [
    'cycle.yaml:3:36: error: the alias *m is inside the node it names: a document cannot contain itself',
  ]);
});

test('a file over the size cap is refused before it is parsed, with the size found', async (t) => {
  const file = join(directory, 'large.yaml');
  const comment = `# ${'padding '.repeat(15)}\n`;
  writeFileSync(
    file,
    `${head}${comment.repeat(Math.ceil((1.5 * maxDocumentBytes) / comment.length))}${tail}`,
  );
  const result = await validate(file);
  t.is(result.exitCode, ExitCode.invalidInput, result.stdout + result.stderr);
  t.regex(
    result.stdout + result.stderr,
    /large\.yaml: error: the file is too large: 1\.5 MiB \(\d+ bytes\); it may be at most 1 MiB \(1048576 bytes\)/,
  );
  const loaded = await loadExperiment(file);
  t.is(loaded.source, undefined);
});

test('a device or a pipe is read only up to the cap', (t) => {
  t.deepEqual(readSourceFile('/dev/zero', 1024), {
    problem: 'the file is too large: more than 1 KiB (1024 bytes); it may be at most 1 KiB (1024 bytes)',
  });
  t.deepEqual(readSourceFile('/dev/null', 1024), { text: '' });
});

test('a secret file over its cap is refused where the secret is declared', (t) => {
  writeFileSync(join(directory, 'huge-token'), 'x'.repeat(100 * 1024));
  const text = `${head}  secrets: { TOKEN: { file: huge-token } }\n${tail}`;
  const result = parseExperiment(text, join(directory, 'secret.yaml'));
  t.true(
    result.diagnostics
      .map((diagnostic) => formatDiagnostic(diagnostic).replace(directory, 'DIR'))
      .includes(
        'DIR/secret.yaml:6:21: error: spec.secrets.TOKEN: secret TOKEN: the file "huge-token" is too large: 100 KiB (102400 bytes); it may be at most 64 KiB (65536 bytes)',
      ),
  );
});
