// Property tests: whatever the text, loading returns diagnostics instead of throwing, every
// diagnostic has a position inside the file, and an experiment comes back exactly when there is
// no error and every variable could be resolved (an unresolved one is only a warning for
// `validate`, but nothing can run with it).
import { readFileSync } from 'node:fs';
import test from 'ava';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import type { PathSegment } from '../../../src/experiment/diagnostic.ts';
import { type LoadResult, parseExperiment } from '../../../src/experiment/load-experiment.ts';

const base = readFileSync(new URL('../../fixtures/experiments/base.yaml', import.meta.url), 'utf8');
const baseValue = parse(base) as unknown;
// `${NAME}` as the experiment writes it (a helper, so that no string literal holds a placeholder).
const ref = (name: string) => `\${${name}}`;

function isConsistent(text: string, result: LoadResult): boolean {
  const lines = text.split('\n').length;
  const positioned = result.diagnostics.every(
    (diagnostic) =>
      diagnostic.message.length > 0 &&
      diagnostic.line !== undefined &&
      diagnostic.line >= 1 &&
      diagnostic.line <= lines &&
      (diagnostic.column ?? 0) >= 1,
  );
  const hasErrors = result.diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  const unresolved = result.diagnostics.some((diagnostic) =>
    /^(unresolved variable|secret )/.test(diagnostic.message),
  );
  return positioned && (result.experiment !== undefined) === (!hasErrors && !unresolved);
}

function check(text: string): boolean {
  return isConsistent(text, parseExperiment(text, 'property.yaml', { env: {}, unresolved: 'warning' }));
}

const yamlPieces = fc.constantFrom(
  'apiVersion: faultline.dev/v1alpha1\n',
  'kind: Experiment\n',
  'spec:\n',
  '  faults:\n',
  '    - name: x\n',
  '      podKill: { selector: "a in (b" }\n',
  'a',
  ':',
  ' ',
  '  ',
  '\n',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '&anchor ',
  '*anchor',
  '!!str ',
  '!tag ',
  '# c',
  '? ',
  '|\n',
  '>-\n',
  ref('X'),
  `$${ref('Y')}`,
  '\t',
  '---\n',
  '...\n',
  '<<: *anchor\n',
  '__proto__: 1\n',
  'constructor: 2\n',
);

test('never throws on arbitrary text', (t) => {
  t.notThrows(() =>
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 300 }),
  );
});

test('never throws on YAML-like text', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(yamlPieces, { maxLength: 40 }), (pieces) => check(pieces.join(''))),
      { numRuns: 500 },
    ),
  );
});

test('never throws on arbitrary JSON values, written as JSON or as YAML', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asJson) =>
        check(asJson ? JSON.stringify(value, null, 2) : stringify(value)),
      ),
      { numRuns: 300 },
    ),
  );
});

// Every path into the valid base document, so that mutations land everywhere in the format.
function pathsOf(value: unknown, path: PathSegment[] = []): PathSegment[][] {
  const children: [PathSegment, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  return [path, ...children.flatMap(([segment, child]) => pathsOf(child, [...path, segment]))];
}

function replaceAt(root: unknown, path: PathSegment[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<PathSegment, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<PathSegment, unknown>;
  const last = path.at(-1) as PathSegment;
  if (remove && Array.isArray(parent)) parent.splice(last as number, 1);
  else if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

test('never throws on the valid base document with any part replaced or removed', (t) => {
  const paths = pathsOf(baseValue);
  t.true(paths.length > 50, 'the base document has many places to mutate');
  const anyValue = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('', '0s', ref('X'), 'a in (b', '(', 'http', 'podKill', -1, 1e308, [5, 1], {}),
  );
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...paths), anyValue, fc.boolean()), { minLength: 1, maxLength: 4 }),
        (mutations) => {
          let value = baseValue;
          for (const [path, replacement, remove] of mutations) {
            try {
              value = replaceAt(value, path, replacement, remove);
            } catch {
              // An earlier mutation removed this path's parent: leave the value as it is.
            }
          }
          return check(stringify(value));
        },
      ),
      { numRuns: 500 },
    ),
  );
});

test('the checks are not vacuous: the base passes and a broken base fails', (t) => {
  const valid = parseExperiment(base, 'base.yaml', { env: {} });
  t.truthy(valid.experiment);
  const broken = parseExperiment(base.replace('duration: 60s', 'duration: soon'), 'base.yaml', { env: {} });
  t.is(broken.experiment, undefined);
  t.true(isConsistent(base, broken));
});
