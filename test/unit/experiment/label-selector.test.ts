import test from 'ava';
import fc from 'fast-check';
import {
  formatSelector,
  type LabelSelector,
  matchesLabels,
  parseLabelSelector,
  type Requirement,
} from '../../../src/experiment/label-selector.ts';

function parse(text: string): LabelSelector {
  const result = parseLabelSelector(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.selector;
}

const parsesTo = test.macro({
  exec(t, text: string, requirements: Requirement[], canonical: string) {
    const result = parseLabelSelector(text);
    t.deepEqual(result, { ok: true, selector: { requirements } });
    if (result.ok) t.is(formatSelector(result.selector), canonical);
  },
  title: (_title, text: string) => `parses ${JSON.stringify(text)}`,
});

test(parsesTo, 'app=checkout', [{ key: 'app', operator: 'equals', value: 'checkout' }], 'app=checkout');
test(parsesTo, 'app==checkout', [{ key: 'app', operator: 'equals', value: 'checkout' }], 'app=checkout');
test(parsesTo, 'env!=prod', [{ key: 'env', operator: 'notEquals', value: 'prod' }], 'env!=prod');
test(
  parsesTo,
  'tier in (web,api)',
  [{ key: 'tier', operator: 'in', values: ['web', 'api'] }],
  'tier in (api,web)',
);
test(parsesTo, 'tier notin (web)', [{ key: 'tier', operator: 'notIn', values: ['web'] }], 'tier notin (web)');
test(parsesTo, 'canary', [{ key: 'canary', operator: 'exists' }], 'canary');
test(parsesTo, '!canary', [{ key: 'canary', operator: 'doesNotExist' }], '!canary');
test(parsesTo, 'replicas>2', [{ key: 'replicas', operator: 'greaterThan', value: 2 }], 'replicas>2');
test(parsesTo, 'replicas < -1', [{ key: 'replicas', operator: 'lessThan', value: -1 }], 'replicas<-1');
test(parsesTo, 'app=', [{ key: 'app', operator: 'equals', value: '' }], 'app=');
test(parsesTo, '', [], '');
test(parsesTo, '   ', [], '');
test(
  parsesTo,
  '  zone in ( a , b ) ,  !canary,app = checkout ',
  [
    { key: 'zone', operator: 'in', values: ['a', 'b'] },
    { key: 'canary', operator: 'doesNotExist' },
    { key: 'app', operator: 'equals', value: 'checkout' },
  ],
  'app=checkout,canary,zone in (a,b)'.replace('canary', '!canary'),
);
test(
  parsesTo,
  'app.kubernetes.io/name=shop,example.com/Tier_1.x=A-b_c.9',
  [
    { key: 'app.kubernetes.io/name', operator: 'equals', value: 'shop' },
    { key: 'example.com/Tier_1.x', operator: 'equals', value: 'A-b_c.9' },
  ],
  'app.kubernetes.io/name=shop,example.com/Tier_1.x=A-b_c.9',
);
test(parsesTo, 'a in (in,notin)', [{ key: 'a', operator: 'in', values: ['in', 'notin'] }], 'a in (in,notin)');
test(parsesTo, 'a in (x,)', [{ key: 'a', operator: 'in', values: ['x', ''] }], 'a in (,x)');
test(parsesTo, 'a in (x,x)', [{ key: 'a', operator: 'in', values: ['x', 'x'] }], 'a in (x)');

const failsAt = test.macro({
  exec(t, text: string, column: number, message: string) {
    const result = parseLabelSelector(text);
    t.false(result.ok);
    if (!result.ok) {
      t.is(result.error.column, column);
      t.is(result.error.message, message);
    }
  },
  title: (_title, text: string) => `rejects ${JSON.stringify(text)}`,
});

test(failsAt, '=x', 1, 'expected a label key at column 1, found "="');
test(failsAt, 'app in x', 8, 'expected "(" after "in" at column 8, found "x"');
test(failsAt, 'app in (a, b', 13, 'expected "," or ")" in the value list at column 13, found the end');
test(failsAt, 'app notin (a b)', 14, 'expected "," or ")" in the value list at column 14, found "b"');
test(failsAt, 'app=a b', 7, 'expected "," or the end of the selector at column 7, found "b"');
test(failsAt, 'app,', 5, 'expected a label key at column 5, found the end');
test(failsAt, 'app=(x)', 5, 'expected a label value at column 5, found "("');
test(failsAt, '!app=x', 5, 'expected "," or the end of the selector after "!key" at column 5, found "="');
test(failsAt, 'a>b', 3, 'expected an integer at column 3, found "b"');
test(failsAt, 'in=x', 1, 'expected a label key at column 1, found "in"');
test(
  failsAt,
  'app x',
  5,
  'expected an operator (=, ==, !=, in, notin, >, <), "," or the end of the selector at column 5, found "x"',
);
test(
  failsAt,
  'a,-bad=x',
  3,
  'invalid label key "-bad" at column 3: the name must consist of alphanumerics, "-", "_" or "." and must start and end with an alphanumeric',
);
test(
  failsAt,
  'Example.com/x=1',
  1,
  'invalid label key "Example.com/x" at column 1: the prefix must be a DNS subdomain (lower-case alphanumerics, "-" and ".")',
);
test(failsAt, 'a/b/c', 1, 'invalid label key "a/b/c" at column 1: at most one "/" is allowed');
test(failsAt, '/x', 1, 'invalid label key "/x" at column 1: the prefix before "/" is empty');
test(
  failsAt,
  `${'k'.repeat(64)}=x`,
  1,
  `invalid label key "${'k'.repeat(64)}" at column 1: the name is longer than 63 characters`,
);
test(
  failsAt,
  `k=${'v'.repeat(64)}`,
  3,
  `invalid label value "${'v'.repeat(64)}" at column 3: longer than 63 characters`,
);
test(
  failsAt,
  'k=-v',
  3,
  'invalid label value "-v" at column 3: must be empty or consist of alphanumerics, "-", "_" or "." and must start and end with an alphanumeric',
);

test('a 63-character name and value are allowed', (t) => {
  t.true(parseLabelSelector(`${'k'.repeat(63)}=${'v'.repeat(63)}`).ok);
});

const labels = { app: 'checkout', tier: 'web', replicas: '3' };
const matches = test.macro({
  exec(t, text: string, expected: boolean) {
    t.is(matchesLabels(parse(text), labels), expected);
  },
  title: (_title, text: string, expected: boolean) =>
    `${JSON.stringify(text)} ${expected ? 'matches' : 'does not match'}`,
});

test(matches, '', true);
test(matches, 'app=checkout', true);
test(matches, 'app=storefront', false);
test(matches, 'app!=storefront', true);
test(matches, 'zone!=a', true);
test(matches, 'tier in (web,api)', true);
test(matches, 'zone in (a)', false);
test(matches, 'tier notin (web)', false);
test(matches, 'zone notin (a)', true);
test(matches, 'app', true);
test(matches, 'zone', false);
test(matches, '!zone', true);
test(matches, '!app', false);
test(matches, 'replicas>2', true);
test(matches, 'replicas<3', false);
test(matches, 'app>1', false);
test(matches, 'app=checkout,tier=api', false);
test(matches, 'toString', false);

// Selectors built from valid parts: parsing the canonical form gives back the same meaning.
const word = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,6}[a-z0-9])?$/);
const requirement: fc.Arbitrary<Requirement> = fc.oneof(
  fc.record({ key: word, operator: fc.constantFrom('exists' as const, 'doesNotExist' as const) }),
  fc.record({ key: word, operator: fc.constantFrom('equals' as const, 'notEquals' as const), value: word }),
  fc.record({
    key: word,
    operator: fc.constantFrom('in' as const, 'notIn' as const),
    values: fc.array(word, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    key: word,
    operator: fc.constantFrom('greaterThan' as const, 'lessThan' as const),
    value: fc.integer({ min: -99, max: 99 }),
  }),
);

test('the canonical form parses back to a selector with the same canonical form and matches', (t) => {
  const labelSet = fc.dictionary(word, word, { maxKeys: 4 });
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 4 }), labelSet, (requirements, someLabels) => {
        const selector = { requirements };
        const canonical = formatSelector(selector);
        const reparsed = parse(canonical);
        return (
          formatSelector(reparsed) === canonical &&
          matchesLabels(reparsed, someLabels) === matchesLabels(selector, someLabels)
        );
      }),
    ),
  );
});

test('the parser never throws, whatever the text', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[a-z!=,() <>in/.-]{0,20}$/)), (text) => {
        const result = parseLabelSelector(text);
        return result.ok || (result.error.column >= 1 && result.error.column <= text.length + 1);
      }),
    ),
  );
});
