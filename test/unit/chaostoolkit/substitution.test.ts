// Chaos Toolkit's substitution rules (Python's string.Template through chaoslib.substitute), as
// the import rewrites them into Faultline's `${VAR}` and as it resolves values it must know now.
import test from 'ava';
import {
  resolveValue,
  rewriteText,
  rewriteValue,
  splitTemplate,
} from '../../../src/chaostoolkit/chaostoolkit-template.ts';
import { createVariableTable } from '../../../src/chaostoolkit/chaostoolkit-variables.ts';
import { createReporter } from '../../../src/chaostoolkit/reporter.ts';

function context(configuration: Record<string, unknown>, secrets: Record<string, unknown> = {}) {
  const reporter = createReporter();
  return { variables: createVariableTable({ configuration, secrets }, reporter), reporter };
}

test('string.Template pieces: ${name}, $name, $$ and a lone $', (t) => {
  t.deepEqual(splitTemplate('a ${x} b $y c $$ d $ e ${not valid}'), [
    { text: 'a ' },
    { name: 'x', braced: true },
    { text: ' b ' },
    { name: 'y', braced: false },
    { text: ' c ' },
    { text: '$' },
    { text: ' d ' },
    { text: '$' },
    { text: ' e ' },
    { text: '$' },
    { text: '{not valid}' },
  ]);
});

test('a configuration read from the environment becomes the Faultline variable named like it', (t) => {
  const c = context({ url: { type: 'env', key: 'SHOP_URL', default: 'http://x' }, ns: 'shop' });
  t.is(rewriteText('${url}/api?ns=$ns', ['p'], c), '${SHOP_URL}/api?ns=${ns}');
  t.deepEqual(c.variables.declarations().configuration, { ns: 'shop', SHOP_URL: 'http://x' });
  t.deepEqual(c.reporter.issues, []);
});

test('text Faultline must read as written keeps its ${ escaped; $$ becomes $', (t) => {
  const c = context({});
  t.is(rewriteText('cost: $$5 and $${literal}', ['p'], c), 'cost: $5 and $${literal}');
  t.is(rewriteText('$unknown stays', ['p'], c), '$unknown stays');
});

test('a ${name} in neither configuration nor secrets is kept, with a warning', (t) => {
  const c = context({});
  t.is(rewriteText('http://${host}/', ['url'], c), 'http://${host}/');
  t.deepEqual(
    c.reporter.issues.map((issue) => issue.message),
    [
      '${host} is in neither configuration nor secrets: Chaos Toolkit passes it on as written unless --var sets it; Faultline reads it from the environment or --var',
    ],
  );
});

test('a whole ${name} keeps the type of its value; inside a string it is its Python text', (t) => {
  const c = context({
    port: 8080,
    on: true,
    labels: { app: 'checkout' },
    port_text: { type: 'env', key: 'PORT', default: '80', env_var_type: 'int' },
  });
  t.deepEqual(resolveValue('${port}', c.variables), { value: 8080, unknown: [], fromEnvironment: false });
  t.deepEqual(resolveValue('${on}', c.variables).value, true);
  t.deepEqual(resolveValue('port ${port}, on $on', c.variables).value, 'port 8080, on True');
  t.deepEqual(resolveValue('${port_text}', c.variables), { value: 80, unknown: [], fromEnvironment: true });
  t.deepEqual(rewriteValue('${labels}', ['p'], c), { app: 'checkout' });
});

test('a value the import cannot know says why', (t) => {
  const c = context(
    { token: { type: 'env', key: 'TOKEN' } },
    { vault: { key: { type: 'env', key: 'API_KEY' } } },
  );
  t.deepEqual(resolveValue('${token}', c.variables).unknown, [
    '${token} is the environment variable TOKEN, which has no default',
  ]);
  t.deepEqual(resolveValue('${key}', c.variables).unknown, ['${key} is a secret']);
});

test('the configuration shadows a secret of the same name, as in a ChainMap', (t) => {
  const c = context({ token: 'plain' }, { scope: { token: { type: 'env', key: 'SECRET_TOKEN' } } });
  t.is(rewriteText('${token}', ['p'], c), '${token}');
  t.deepEqual(c.variables.declarations(), {
    configuration: { token: 'plain' },
    secrets: {},
    origins: new Map([['token', ['configuration', 'token']]]),
  });
});

test('two names that would become one Faultline variable with different values are refused', (t) => {
  const c = context({
    a: { type: 'env', key: 'URL', default: 'http://a' },
    b: { type: 'env', key: 'URL', default: 'http://b' },
  });
  rewriteText('${a} ${b}', ['p'], c);
  t.deepEqual(
    c.reporter.issues.map((issue) => issue.message),
    ['${b} and ${a} both become the Faultline variable URL, with different values'],
  );
});
