// loadExperiment through the library: a YAML file, a document from defineExperiment, and an
// experiment module (`export default defineExperiment({...})`), each judged by the same schema with
// the same diagnostics; bad input of every kind comes back as diagnostics, never as a throw.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import {
  defineExperiment,
  type ExperimentDocument,
  FaultlineError,
  formatDiagnostic,
  loadExperiment,
  runExperiment,
} from '../../../src/library/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-library-'));
const libraryEntry = fileURLToPath(new URL('../../../src/library/index.ts', import.meta.url));

const checkout: ExperimentDocument = defineExperiment({
  apiVersion: 'faultline.dev/v1alpha1',
  kind: 'Experiment',
  metadata: { name: 'checkout-latency' },
  spec: {
    duration: '30s',
    hypothesis: {
      probes: [{ name: 'home', http: { url: '${SHOP_URL}/' }, expect: { status: 200 } }],
    },
    faults: [
      {
        name: 'slow-catalog',
        toxiproxy: {
          url: 'http://127.0.0.1:8474',
          proxy: 'catalog',
          toxic: 'latency',
          attributes: { latency: 500 },
        },
      },
    ],
  },
});

const env = { SHOP_URL: 'http://shop.test' };

test('defineExperiment returns the document it is given', (t) => {
  const document = { ...checkout };
  t.is(defineExperiment(document), document);
});

test('a document: loaded with its variables substituted; the caller’s object is left as it was', async (t) => {
  const before = JSON.stringify(checkout);
  const { experiment, diagnostics } = await loadExperiment(checkout, { env });
  t.deepEqual(diagnostics, []);
  t.is(experiment?.name, 'checkout-latency');
  t.is(experiment?.file, '(document)');
  t.is(experiment?.document.spec.hypothesis.probes[0]?.http?.url, 'http://shop.test/');
  t.is(JSON.stringify(checkout), before);
});

test('a document with mistakes: every one by field path, expected and found, and no experiment', async (t) => {
  const broken = {
    ...checkout,
    spec: { ...checkout.spec, duration: 'soon', faults: [{ name: 'x', podKill: { selector: 'app=a' } }] },
  } as unknown as ExperimentDocument;
  const { experiment, diagnostics } = await loadExperiment(broken, { env });
  t.is(experiment, undefined);
  t.deepEqual(
    diagnostics.map((diagnostic) => [diagnostic.path, diagnostic.line]),
    [
      ['spec.duration', undefined],
      ['spec.faults[0].podKill', undefined],
    ],
  );
  t.is(diagnostics[0]?.found, '"soon"');
  t.regex(
    formatDiagnostic(diagnostics[1] as never),
    /^\(document\): error: spec\.faults\[0\]\.podKill: missing required field "namespace"/,
  );
});

test('a document that is not JSON (a cycle) is a diagnostic, not a throw', async (t) => {
  const cyclic: Record<string, unknown> = { ...checkout };
  cyclic.self = cyclic;
  const { experiment, diagnostics } = await loadExperiment(cyclic as ExperimentDocument);
  t.is(experiment, undefined);
  t.regex(diagnostics[0]?.message ?? '', /^cannot read the document: .*circular/i);
});

test('a YAML file: the same document, its problems at FILE:LINE:COL', async (t) => {
  const file = join(dir, 'checkout.yaml');
  writeFileSync(file, JSON.stringify({ ...checkout, spec: { ...checkout.spec, duration: 'soon' } }, null, 2));
  const { experiment, diagnostics } = await loadExperiment(file, { env });
  t.is(experiment, undefined);
  t.deepEqual(
    diagnostics.map((d) => `${d.line}:${d.column} ${d.path}`),
    ['8:17 spec.duration'],
  );
});

test('an experiment module (.ts): its default export judged like a file', async (t) => {
  const file = join(dir, 'checkout.experiment.ts');
  writeFileSync(
    file,
    [
      `import { defineExperiment, type ExperimentDocument } from ${JSON.stringify(libraryEntry)};`,
      `const document: ExperimentDocument = ${JSON.stringify(checkout)};`,
      'export default defineExperiment(document);',
    ].join('\n'),
  );
  const { experiment, diagnostics } = await loadExperiment(file, { env });
  t.deepEqual(diagnostics, []);
  t.is(experiment?.name, 'checkout-latency');
  t.is(experiment?.file, file);
});

test('an experiment module with a mistake: the module named, the field path given', async (t) => {
  const file = join(dir, 'broken.experiment.mjs');
  writeFileSync(
    file,
    `export default ${JSON.stringify({ ...checkout, metadata: { name: 'Not A Name' } })};\n`,
  );
  const { experiment, diagnostics } = await loadExperiment(file, { env });
  t.is(experiment, undefined);
  t.deepEqual(diagnostics.map(formatDiagnostic), [
    `${file}: error: metadata.name: expected a name of lower-case letters, digits and dashes (at most 63), found "Not A Name"`,
  ]);
});

test('modules that cannot give an experiment: no default export, a throw, a syntax error, no file', async (t) => {
  const cases = {
    'no-default.mjs': 'export const experiment = {};\n',
    'throws.mjs': "throw new Error('no config here');\n",
    'syntax.ts': 'export default {\n',
  };
  const messages: string[] = [];
  for (const [name, text] of Object.entries(cases)) {
    writeFileSync(join(dir, name), text);
    const { experiment, diagnostics } = await loadExperiment(join(dir, name));
    t.is(experiment, undefined, name);
    messages.push(diagnostics.map((d) => d.message).join('; '));
  }
  const missing = await loadExperiment(join(dir, 'missing.experiment.ts'));
  messages.push(missing.diagnostics.map((d) => d.message).join('; '));
  t.regex(messages[0] ?? '', /^the module has no default export; expected `export default defineExperiment/);
  t.is(messages[1], 'cannot import the module: no config here');
  t.regex(messages[2] ?? '', /^cannot import the module: SyntaxError/);
  t.regex(messages[3] ?? '', /^cannot read the file: ENOENT/);
});

test('runExperiment of an invalid document: a FaultlineError with exit code 2 and the diagnostics, no ledger', async (t) => {
  const ledger = join(dir, 'never', 'ledger.jsonl');
  const broken = { ...checkout, spec: { ...checkout.spec, duration: 'soon' } } as ExperimentDocument;
  const error = await t.throwsAsync(runExperiment(broken, { env, ledger }), { instanceOf: FaultlineError });
  t.is(error?.exitCode, 2);
  t.deepEqual(
    error?.diagnostics.map((d) => d.path),
    ['spec.duration'],
  );
  t.regex(error?.message ?? '', /^the experiment is not valid:\n\(document\): error: spec\.duration: /);
  const { existsSync } = await import('node:fs');
  t.false(existsSync(join(dir, 'never')), 'nothing was opened');
});
