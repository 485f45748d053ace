import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import test from 'ava';
import { coerceSubstitutedValues } from '../../../src/experiment/coerce-variables.ts';
import { formatDiagnostic } from '../../../src/experiment/diagnostic.ts';
import { parseExperiment } from '../../../src/experiment/load-experiment.ts';
import {
  createRedactor,
  resolveVariables,
  substituteInText,
  substituteVariables,
} from '../../../src/experiment/variables.ts';

// `${NAME}` as the experiment writes it (a helper, so that no string literal holds a placeholder).
const ref = (name: string) => `\${${name}}`;

const substitutes = test.macro({
  exec(t, text: string, expected: string, unresolved: string[] = []) {
    const values = new Map([
      ['HOST', 'shop.local'],
      ['PORT', '8080'],
      ['EMPTY', ''],
    ]);
    t.deepEqual(substituteInText(text, values), { text: expected, unresolved, invalid: [] });
  },
  title: (_title, text: string) => `substitutes in ${JSON.stringify(text)}`,
});

test(substitutes, `http://${ref('HOST')}:${ref('PORT')}/`, 'http://shop.local:8080/');
test(substitutes, `${ref('HOST')}${ref('HOST')}`, 'shop.localshop.local');
test(substitutes, `[${ref('EMPTY')}]`, '[]');
test(substitutes, `$${ref('HOST')} is literal`, `${ref('HOST')} is literal`);
test(substitutes, `${ref('MISSING')}/x`, `${ref('MISSING')}/x`, ['MISSING']);
test(substitutes, 'no variables, $HOST, ${unterminated', 'no variables, $HOST, ${unterminated');
test(substitutes, `$$${ref('HOST')}`, `$${ref('HOST')}`);

test('an invalid name inside a reference is reported, not substituted', (t) => {
  t.deepEqual(substituteInText(ref('A-B'), new Map([['A', 'x']])), {
    text: ref('A-B'),
    unresolved: [],
    invalid: [ref('A-B')],
  });
});

function resolve(overrides: { env?: Record<string, string>; vars?: Record<string, string> } = {}) {
  return resolveVariables({
    configuration: { A: 'from configuration', B: 'from configuration', C: 'from configuration' },
    env: { B: 'from env', C: 'from env', ...overrides.env },
    vars: { C: 'from --var', ...overrides.vars },
    baseDirectory: '.',
    unresolved: 'warning',
  });
}

test('configuration < environment < --var', (t) => {
  const { values, issues } = resolve();
  t.is(values.get('A'), 'from configuration');
  t.is(values.get('B'), 'from env');
  t.is(values.get('C'), 'from --var');
  t.deepEqual(issues, []);
});

test('strings are substituted everywhere, keys never', (t) => {
  const variables = resolve({ env: { KEY: 'k' } });
  const { value, unresolvedPaths } = substituteVariables(
    { [ref('KEY')]: [ref('A'), { nested: `x${ref('B')}` }], number: 3, flag: true, nothing: null },
    variables,
  );
  t.deepEqual(value, {
    [ref('KEY')]: ['from configuration', { nested: 'xfrom env' }],
    number: 3,
    flag: true,
    nothing: null,
  });
  t.deepEqual(unresolvedPaths, []);
});

test('an unresolved variable is reported at its path with the chosen severity', (t) => {
  const variables = resolveVariables({ env: {}, vars: {}, baseDirectory: '.', unresolved: 'error' });
  const { issues, unresolvedPaths } = substituteVariables(
    { a: [`${ref('X')}${ref('Y')}${ref('X')}`] },
    variables,
  );
  t.deepEqual(unresolvedPaths, [['a', 0]]);
  t.deepEqual(issues, [
    {
      path: ['a', 0],
      message: `unresolved variables ${ref('X')}, ${ref('Y')} (set them in the environment, with --var or in spec.configuration)`,
      severity: 'error',
    },
  ]);
});

test('a whole-value reference takes the type its field needs', (t) => {
  const schema = Type.Object({
    count: Type.Integer(),
    flag: Type.Boolean(),
    name: Type.String(),
    either: Type.Union([Type.Number(), Type.String()]),
    list: Type.Array(Type.Union([Type.Integer(), Type.Array(Type.Integer())])),
    words: Type.Integer(),
  });
  const value = { count: '2', flag: 'true', name: '123', either: '4', list: ['5'], words: 'two' };
  coerceSubstitutedValues(schema, value, [['count'], ['flag'], ['name'], ['either'], ['list', 0], ['words']]);
  t.deepEqual(value, { count: 2, flag: true, name: '123', either: '4', list: [5], words: 'two' });
});

test('only the listed paths are coerced', (t) => {
  const value = { count: '2' };
  coerceSubstitutedValues(Type.Object({ count: Type.Integer() }), value, []);
  t.deepEqual(value, { count: '2' });
});

test('the redactor hides every secret, longest first, also JSON-escaped', (t) => {
  const redact = createRedactor(['s3cr3t', 's3cr3t-and-more', 'quo"te', '']);
  t.is(redact('a s3cr3t-and-more b s3cr3t c'), 'a *** b *** c');
  t.is(redact(JSON.stringify({ token: 'quo"te' })), '{"token":"***"}');
  t.is(redact('nothing secret'), 'nothing secret');
});

const directory = mkdtempSync(join(tmpdir(), 'faultline-variables-'));

function experimentWith(spec: string): string {
  return `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: vars }
spec:
${spec}
  duration: 60s
  hypothesis:
    probes:
      - name: answers
        http:
          url: ${ref('URL')}/
          headers: { Authorization: "Bearer ${ref('TOKEN')}" }
        expect: { status: 200 }
  faults:
    - name: kill
      podKill: { namespace: shop, selector: app=checkout, count: "${ref('KILLS')}" }
`;
}

test('secrets come from the environment and from files, and never show in diagnostics', (t) => {
  writeFileSync(join(directory, 'token'), 'file-secret-value\n');
  const text = experimentWith(`  configuration: { URL: "http://shop", KILLS: "0" }
  secrets: { TOKEN: { file: token }, KEY: { env: API_KEY } }
  description: "${ref('KEY')}"`);
  const result = parseExperiment(text, join(directory, 'secret.yaml'), {
    env: { API_KEY: 'env-secret-value' },
  });
  const header = result.experiment?.spec.hypothesis.probes[0]?.http?.headers?.Authorization;
  t.is(header, undefined, 'no experiment when there are errors');
  const printed = result.diagnostics.map(formatDiagnostic).join('\n');
  t.regex(printed, /podKill\.count: expected an integer of at least 1, found 0/);
  t.notRegex(printed, /secret-value/);
  t.is(result.redact('Bearer file-secret-value and env-secret-value'), 'Bearer *** and ***');

  const valid = parseExperiment(text.replace('KILLS: "0"', 'KILLS: "1"'), join(directory, 'secret.yaml'), {
    env: { API_KEY: 'env-secret-value' },
  });
  t.deepEqual(valid.diagnostics, []);
  t.is(valid.experiment?.spec.hypothesis.probes[0]?.http?.headers?.Authorization, 'Bearer file-secret-value');
  t.is(valid.experiment?.spec.description, 'env-secret-value');
  const [fault] = valid.experiment?.spec.faults ?? [];
  t.is(fault?.kind === 'podKill' ? fault.spec.count : undefined, 1);
});

test('a secret value that shows in a message is redacted', (t) => {
  const text = experimentWith(`  configuration: { URL: "http://shop", KILLS: "1" }
  secrets: { TOKEN: { env: TOKEN_SOURCE } }
  recovery: "${ref('TOKEN')}"`);
  const result = parseExperiment(text, 'x.yaml', { env: { TOKEN_SOURCE: 'hunter2' } });
  const printed = result.diagnostics.map(formatDiagnostic);
  t.deepEqual(printed, [
    'x.yaml:7:13: error: spec.recovery: expected a duration such as 500ms, 30s, 2m or 1h, found "***"',
  ]);
});

test('an unreadable secret is reported where it is declared, once', (t) => {
  const text = experimentWith(`  configuration: { URL: "http://shop", KILLS: "1" }
  secrets: { TOKEN: { file: missing-token } }`);
  const result = parseExperiment(text, join(directory, 'x.yaml'), { env: {}, unresolved: 'warning' });
  t.deepEqual(
    result.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic).replace(directory, 'DIR')),
    [
      'DIR/x.yaml:6:21: warning: spec.secrets.TOKEN: secret TOKEN: cannot read the file "missing-token" (ENOENT)',
    ],
  );
});

test('unresolved variables: a warning for validate, an error for plan and run', (t) => {
  const text = experimentWith('');
  const asWarning = parseExperiment(text, 'x.yaml', { env: {}, unresolved: 'warning' });
  const asError = parseExperiment(text, 'x.yaml', { env: {} });
  const messages = (result: typeof asError) => result.diagnostics.map(formatDiagnostic);
  t.deepEqual(messages(asWarning), [
    `x.yaml:11:16: warning: spec.hypothesis.probes[0].http.url: unresolved variable ${ref('URL')} (set it in the environment, with --var or in spec.configuration)`,
    `x.yaml:12:37: warning: spec.hypothesis.probes[0].http.headers.Authorization: unresolved variable ${ref('TOKEN')} (set it in the environment, with --var or in spec.configuration)`,
    `x.yaml:16:66: warning: spec.faults[0].podKill.count: unresolved variable ${ref('KILLS')} (set it in the environment, with --var or in spec.configuration)`,
  ]);
  t.truthy(asWarning.document, 'warnings alone leave the document for validate to judge');
  t.is(asWarning.experiment, undefined, 'but nothing can run with a variable unresolved');
  t.deepEqual(
    messages(asError),
    messages(asWarning).map((line) => line.replace(': warning: ', ': error: ')),
  );
  t.is(asError.experiment, undefined);
});

test('--var wins over the environment and the configuration', (t) => {
  const text = experimentWith('  configuration: { URL: "http://configured", KILLS: "1", TOKEN: t }');
  const result = parseExperiment(text, 'x.yaml', {
    env: { URL: 'http://from-env' },
    vars: { URL: 'http://from-var' },
  });
  t.deepEqual(result.diagnostics, []);
  t.is(result.experiment?.spec.hypothesis.probes[0]?.http?.url, 'http://from-var/');
});

test('an unquoted reference inside a flow mapping is a YAML error with a hint', (t) => {
  const text = experimentWith('  configuration: { URL: "http://shop", KILLS: "1", TOKEN: t }').replace(
    `count: "${ref('KILLS')}"`,
    `count: ${ref('KILLS')}`,
  );
  const [first] = parseExperiment(text, 'x.yaml').diagnostics.map(formatDiagnostic);
  t.is(
    first,
    `x.yaml:16:67: error: invalid YAML: Unexpected flow-map-start at node end (inside { } or [ ], quote a value holding ${ref('...')})`,
  );
});
