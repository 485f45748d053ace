import { Type } from '@sinclair/typebox';
import test from 'ava';
import { type Diagnostic, formatDiagnostic, formatPath } from '../../../src/experiment/diagnostic.ts';
import { didYouMean, editDistance } from '../../../src/experiment/did-you-mean.ts';
import { validateSchema } from '../../../src/experiment/validate-schema.ts';

const strict = { additionalProperties: false } as const;

test('every problem is collected, not only the first', (t) => {
  const schema = Type.Object(
    { a: Type.String(), b: Type.Integer({ minimum: 1 }), c: Type.Boolean() },
    strict,
  );
  const issues = validateSchema(schema, { a: 1, b: 0, d: true });
  t.deepEqual(
    issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    [
      'a: expected a string, found 1',
      'b: expected an integer of at least 1, found 0',
      'd: unknown field; expected one of: a, b, c',
      ': missing required field "c"',
    ],
  );
  t.deepEqual(issues[0], {
    path: ['a'],
    message: 'expected a string, found 1',
    expected: 'a string',
    found: '1',
  });
  t.is(issues[2]?.at, 'key');
});

test('a misspelt field is not also reported missing', (t) => {
  const schema = Type.Object({ expect: Type.Object({}) }, strict);
  t.deepEqual(
    validateSchema(schema, { expct: {} }).map((issue) => issue.message),
    ['unknown field; did you mean "expect"?'],
  );
});

test('records check keys against their pattern and values against their schema', (t) => {
  const schema = Type.Record(Type.String({ pattern: '^[A-Z]+$' }), Type.Number(), strict);
  t.deepEqual(
    validateSchema(schema, { OK: 1, BAD: 'x', lower: 2 }).map((issue) => [issue.path, issue.message]),
    [
      [['BAD'], 'expected a number, found "x"'],
      [['lower'], 'invalid key; expected a key matching /^[A-Z]+$/'],
    ],
  );
});

test('tuples need exactly their items', (t) => {
  const schema = Type.Tuple([Type.Number(), Type.String()]);
  t.deepEqual(validateSchema(schema, [1, 'a']), []);
  t.deepEqual(
    validateSchema(schema, [1, 2]).map((issue) => issue.message),
    ['expected a string, found 2'],
  );
  t.deepEqual(
    validateSchema(schema, [1]).map((issue) => issue.message),
    ['expected a list of 2 items, found [1]'],
  );
});

test('unions: the branch of the value’s type speaks, otherwise every branch is listed', (t) => {
  const schema = Type.Union([Type.Integer({ minimum: 100 }), Type.Array(Type.Integer())]);
  t.deepEqual(
    validateSchema(schema, [100, 'x']).map((issue) => [issue.path, issue.message]),
    [[[1], 'expected an integer, found "x"']],
  );
  t.deepEqual(
    validateSchema(schema, 5).map((issue) => issue.message),
    ['expected an integer of at least 100, found 5'],
  );
  t.deepEqual(
    validateSchema(schema, 'x').map((issue) => issue.message),
    ['expected an integer of at least 100 or a list, found "x"'],
  );
  const scalar = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);
  t.deepEqual(
    validateSchema(scalar, null).map((issue) => issue.message),
    ['expected a number, a string or a boolean (true or false), found null'],
  );
});

test('x-one-of: none, or several reported at the second key in the document', (t) => {
  const schema = Type.Object(
    { a: Type.Optional(Type.Number()), b: Type.Optional(Type.Number()), c: Type.Optional(Type.Number()) },
    { ...strict, 'x-one-of': ['a', 'b', 'c'] },
  );
  t.deepEqual(validateSchema(schema, { b: 1 }), []);
  t.deepEqual(
    validateSchema(schema, {}).map((issue) => issue.message),
    ['expected exactly one of a, b or c, found none'],
  );
  const [several] = validateSchema(schema, { c: 1, a: 2, b: 3 });
  t.deepEqual(several?.path, ['a']);
  t.is(several?.message, 'expected exactly one of a, b or c, found c, a and b');
});

test('x-format runs the named check on strings', (t) => {
  const schema = Type.String({ 'x-format': 'even' });
  const formats = {
    even: { noun: 'even length', check: (text: string) => (text.length % 2 ? 'odd' : undefined) },
  };
  t.deepEqual(validateSchema(schema, 'ab', { formats }), []);
  t.deepEqual(
    validateSchema(schema, 'abc', { formats }).map((issue) => issue.message),
    ['invalid even length "abc": odd'],
  );
  t.deepEqual(validateSchema(schema, 'abc'), [], 'an unknown format is not checked');
});

test('numbers must be finite', (t) => {
  t.deepEqual(
    validateSchema(Type.Number(), Number.POSITIVE_INFINITY).map((issue) => issue.message),
    ['expected a number, found .inf'],
  );
});

test('edit distance counts a swap of neighbours as one edit', (t) => {
  t.is(editDistance('below', 'below'), 0);
  t.is(editDistance('belw', 'below'), 1);
  t.is(editDistance('bleow', 'below'), 1);
  t.is(editDistance('', 'abc'), 3);
  t.is(editDistance('kitten', 'sitting'), 3);
});

test('did you mean: only close candidates, case differences are cheap', (t) => {
  const fields = ['below', 'above', 'atMost', 'atLeast', 'between', 'equals'];
  t.is(didYouMean('belw', fields), 'below');
  t.is(didYouMean('atleast', fields), 'atLeast');
  t.is(didYouMean('ATMOST', fields), 'atMost');
  t.is(didYouMean('bellow', fields), 'below');
  t.is(didYouMean('between', fields), 'between');
  t.is(didYouMean('zzz', fields), undefined);
  t.is(didYouMean('x', ['y']), undefined);
  t.is(didYouMean('X', ['x']), 'x');
});

test('paths and diagnostics print in the compiler convention', (t) => {
  t.is(formatPath(['spec', 'faults', 1, 'duration']), 'spec.faults[1].duration');
  t.is(
    formatPath(['metadata', 'labels', 'app.kubernetes.io/name']),
    'metadata.labels["app.kubernetes.io/name"]',
  );
  t.is(formatPath([]), '');
  const diagnostic: Diagnostic = {
    file: 'x.yaml',
    line: 3,
    column: 7,
    severity: 'warning',
    path: 'spec',
    message: 'm',
  };
  t.is(formatDiagnostic(diagnostic), 'x.yaml:3:7: warning: spec: m');
  t.is(formatDiagnostic({ ...diagnostic, path: '', severity: 'error' }), 'x.yaml:3:7: error: m');
  t.is(
    formatDiagnostic({ file: 'x.yaml', severity: 'error', path: '', message: 'gone' }),
    'x.yaml: error: gone',
  );
});
