// A table of invalid documents: each is the valid base fixture with one edit (or a text of its
// own), and must produce exactly the expected errors, at the expected line and column.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { formatDiagnostic } from '../../../src/experiment/diagnostic.ts';
import { loadExperiment } from '../../../src/experiment/load-experiment.ts';

const base = readFileSync(new URL('../../fixtures/experiments/base.yaml', import.meta.url), 'utf8');
const directory = mkdtempSync(join(tmpdir(), 'faultline-invalid-'));
let fileCount = 0;

type Edit = [from: string, to: string];
type Source = { edit: Edit[] } | { text: string; extension?: string };

function render(t: ExecutionContext, source: Source): { text: string; extension: string } {
  if ('text' in source) return { text: source.text, extension: source.extension ?? 'yaml' };
  let text = base;
  for (const [from, to] of source.edit) {
    t.is(text.split(from).length, 2, `the edit target ${JSON.stringify(from)} must occur once in the base`);
    text = text.replace(from, to);
  }
  return { text, extension: 'yaml' };
}

// `expected` lists every error as LINE:COL: path: message (the text after the file name).
const rejects = test.macro(async (t, source: Source, expected: string[]) => {
  const { text, extension } = render(t, source);
  fileCount += 1;
  const file = join(directory, `case-${fileCount}.${extension}`);
  writeFileSync(file, text);
  const result = await loadExperiment(file, { env: {}, unresolved: 'error' });
  const errors = result.diagnostics
    .filter((diagnostic) => diagnostic.severity === 'error')
    .map((diagnostic) => formatDiagnostic(diagnostic).replace(`${file}:`, '').replace(': error: ', ': '));
  t.deepEqual(errors, expected);
  t.is(result.experiment, undefined);
});

test('the base fixture is valid, without any diagnostic', async (t) => {
  const file = join(directory, 'base.yaml');
  writeFileSync(file, base);
  const result = await loadExperiment(file, { env: {} });
  t.deepEqual(result.diagnostics, []);
  t.is(result.experiment?.spec.hypothesis.probes[0]?.http?.url, 'http://localhost:8080/');
});

// `${NAME}` as the experiment writes it (a helper, so that no string literal holds a placeholder).
const ref = (name: string) => `\${${name}}`;
const durationPhrase = 'expected a duration such as 500ms, 30s, 2m or 1h';
const specFields =
  'description, tags, configuration, secrets, duration, load, hypothesis, faults, abortWhen, steps, rollbacks, recovery, safety';
const probeKinds = 'expected exactly one of http, prometheus, kubernetes, command or load';
const faultKinds =
  'expected exactly one of toxiproxy, partition, podKill, nodeDrain, nodeCordon, rolloutRestart, scale or command';

test('apiVersion other than v1alpha1', rejects, { edit: [['faultline.dev/v1alpha1', 'faultline.dev/v1']] }, [
  '1:13: apiVersion: expected "faultline.dev/v1alpha1", found "faultline.dev/v1"',
]);

test('a misspelt kind', rejects, { edit: [['kind: Experiment', 'kind: Experment']] }, [
  '2:7: kind: unknown kind: expected one of "Experiment" or "Schedule", found "Experment"; did you mean "Experiment"?',
]);

test('an unknown kind lists the known ones', rejects, { edit: [['kind: Experiment', 'kind: Pod']] }, [
  '2:7: kind: unknown kind: expected one of "Experiment" or "Schedule", found "Pod"',
]);

test('no kind', rejects, { edit: [['kind: Experiment\n', '']] }, [
  '1:1: missing required field "kind" (one of Experiment or Schedule)',
]);

test('a name that is not a DNS label', rejects, { edit: [['name: base', 'name: Base_Name']] }, [
  '4:9: metadata.name: expected a name of lower-case letters, digits and dashes (at most 63), found "Base_Name"',
]);

test(
  'a missing field is reported at its parent map',
  rejects,
  { edit: [['  name: base', '  labels: { a: b }']] },
  ['4:3: metadata: missing required field "name"'],
);

test('a misspelt top-level field', rejects, { edit: [['metadata:', 'metdata:']] }, [
  '3:1: metdata: unknown field; did you mean "metadata"?',
]);

test('a duration in words', rejects, { edit: [['duration: 60s', 'duration: 60 seconds']] }, [
  `6:13: spec.duration: ${durationPhrase}, found "60 seconds"`,
]);

test('a fault duration in words', rejects, { edit: [['duration: 30s', 'duration: 30 seconds']] }, [
  `21:17: spec.faults[0].duration: ${durationPhrase}, found "30 seconds"`,
]);

test('a duration without a unit', rejects, { edit: [['timeout: 2s', 'timeout: 2']] }, [
  `11:47: spec.hypothesis.probes[0].http.timeout: ${durationPhrase}, found 2`,
]);

test('a misspelt tolerance', rejects, { edit: [['{ below: 500 }', '{ belw: 500 }']] }, [
  '12:45: spec.hypothesis.probes[0].expect.latencyMs.belw: unknown field; did you mean "below"?',
]);

test(
  'an unknown field far from any lists them all',
  rejects,
  { edit: [['  safety:', '  zzz: 1\n  safety:']] },
  [`29:3: spec.zzz: unknown field; expected one of: ${specFields}`],
);

test('a probe without expect', rejects, { edit: [['        expect: { atLeast: 2 }\n', '']] }, [
  '13:9: spec.hypothesis.probes[1]: missing required field "expect"',
]);

test(
  'a probe without a kind',
  rejects,
  {
    edit: [
      [
        '        kubernetes: { kind: Deployment, namespace: shop, name: checkout, field: status.readyReplicas }\n',
        '',
      ],
    ],
  },
  [`13:9: spec.hypothesis.probes[1]: ${probeKinds}, found none`],
);

test(
  'a probe of two kinds, reported at the second',
  rejects,
  { edit: [['      command: {', '      http: { url: "http://x" }\n      command: {']] },
  [`28:7: spec.abortWhen[0].command: ${probeKinds}, found both http and command`],
);

test(
  'a fault without a kind',
  rejects,
  { edit: [['      podKill: { namespace: shop, selector: app=checkout, count: 1 }\n', '']] },
  [`22:7: spec.faults[1]: ${faultKinds}, found none`],
);

test(
  'a fault of two kinds',
  rejects,
  { edit: [['      start: 10s', '      nodeCordon: { selector: pool=web }\n      start: 10s']] },
  [`24:7: spec.faults[1].nodeCordon: ${faultKinds}, found both podKill and nodeCordon`],
);

test('two probes with one name', rejects, { edit: [['name: replicas', 'name: answers']] }, [
  '13:15: spec.hypothesis.probes[1].name: duplicate name "answers"; spec.hypothesis.probes[0] already has it',
]);

test('two faults with one name', rejects, { edit: [['name: kill', 'name: slow']] }, [
  '22:13: spec.faults[1].name: duplicate name "slow"; spec.faults[0] already has it',
]);

test(
  'a tolerance on an http probe',
  rejects,
  { edit: [['{ status: 200, latencyMs: { below: 500 } }', '{ atLeast: 2 }']] },
  [
    '12:19: spec.hypothesis.probes[0].expect.atLeast: "atLeast" does not apply to an http probe, which expects status, latencyMs, bodyMatches, errorRatio, p50Ms, p95Ms or p99Ms',
  ],
);

test('an exit code on a kubernetes probe', rejects, { edit: [['{ atLeast: 2 }', '{ exitCode: 0 }']] }, [
  '15:19: spec.hypothesis.probes[1].expect.exitCode: "exitCode" does not apply to a kubernetes probe, which expects below, above, atMost, atLeast, between or equals',
]);

test('an empty expect', rejects, { edit: [['expect: { exitCode: 0 }', 'expect: {}']] }, [
  '28:15: spec.abortWhen[0].expect: expected at least one expectation for a command probe (exitCode or outputMatches), found none',
]);

test('an empty tolerance', rejects, { edit: [['latencyMs: { below: 500 }', 'latencyMs: {}']] }, [
  '12:43: spec.hypothesis.probes[0].expect.latencyMs: expected at least one of below, above, atMost, atLeast, between or equals, found none',
]);

test('between with low above high', rejects, { edit: [['{ atLeast: 2 }', '{ between: [5, 1] }']] }, [
  '15:28: spec.hypothesis.probes[1].expect.between: expected [low, high] with low <= high, found [5, 1]',
]);

test('between with one number', rejects, { edit: [['{ atLeast: 2 }', '{ between: [5] }']] }, [
  '15:28: spec.hypothesis.probes[1].expect.between: expected a pair of numbers [low, high], found [5]',
]);

test(
  'an unterminated value list in a selector',
  rejects,
  { edit: [['selector: app=checkout', 'selector: "app in (a, b"']] },
  [
    '23:45: spec.faults[1].podKill.selector: invalid label selector "app in (a, b": expected "," or ")" in the value list at column 13, found the end',
  ],
);

test(
  'an invalid label key in a selector',
  rejects,
  { edit: [['selector: app=checkout', 'selector: "-app=checkout"']] },
  [
    '23:45: spec.faults[1].podKill.selector: invalid label selector "-app=checkout": invalid label key "-app" at column 1: the name must consist of alphanumerics, "-", "_" or "." and must start and end with an alphanumeric',
  ],
);

test('count and percent together', rejects, { edit: [['count: 1 }', 'count: 1, percent: 10 }']] }, [
  '23:69: spec.faults[1].podKill.percent: give either count or percent, not both',
]);

test('a fault that ends after the experiment', rejects, { edit: [['start: 5s', 'start: 40s']] }, [
  '21:17: spec.faults[0].duration: the fault ends at 70s (start 40s + duration 30s), after the experiment ends (spec.duration 60s)',
]);

test('a fault that starts after the experiment', rejects, { edit: [['start: 10s', 'start: 90s']] }, [
  '24:14: spec.faults[1].start: the fault starts at 90s, after the experiment ends (spec.duration 60s)',
]);

test(
  'a regular expression that does not compile',
  rejects,
  { edit: [['{ status: 200, latencyMs: { below: 500 } }', '{ bodyMatches: "(unclosed" }']] },
  [
    '12:32: spec.hypothesis.probes[0].expect.bodyMatches: invalid regular expression "(unclosed": Unterminated group',
  ],
);

test('probing every 0s', rejects, { edit: [['every: 2s', 'every: 0s']] }, [
  '16:22: spec.hypothesis.during.every: expected a duration above 0, found "0s"',
]);

test('a percentage above 100', rejects, { edit: [['maxPodsPercent: 50', 'maxPodsPercent: 150']] }, [
  '31:21: spec.safety.maxPodsPercent: expected a number between 0 and 100, found 150',
]);

test('an HTTP status out of range', rejects, { edit: [['status: 200', 'status: 700']] }, [
  '12:27: spec.hypothesis.probes[0].expect.status: expected an integer between 100 and 599, found 700',
]);

test('an HTTP status as a string', rejects, { edit: [['status: 200', 'status: "200"']] }, [
  '12:27: spec.hypothesis.probes[0].expect.status: expected an integer between 100 and 599 or a non-empty list, found "200"',
]);

test('a misspelt toxic', rejects, { edit: [['toxic: latency', 'toxic: latncy']] }, [
  '19:73: spec.faults[0].toxiproxy.toxic: expected one of "latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer" or "limit_data", found "latncy"; did you mean "latency"?',
]);

test('a count of 0', rejects, { edit: [['count: 1', 'count: 0']] }, [
  '23:66: spec.faults[1].podKill.count: expected an integer of at least 1, found 0',
]);

test('no faults', rejects, { edit: [['  faults:\n', '  faults: []\n  oldFaults:\n']] }, [
  '17:11: spec.faults: expected at least 1 item, found an empty list',
  `18:3: spec.oldFaults: unknown field; expected one of: ${specFields}`,
]);

test(
  'an HTTP method outside the list',
  rejects,
  { edit: [['timeout: 2s }', 'timeout: 2s, method: PUT }']] },
  ['11:59: spec.hypothesis.probes[0].http.method: expected one of "GET", "HEAD" or "POST", found "PUT"'],
);

test(
  'a command without a program',
  rejects,
  { edit: [['run: [curl, -f, "http://localhost:8080/healthz"]', 'run: []']] },
  ['27:23: spec.abortWhen[0].command.run: expected at least 1 item, found an empty list'],
);

test(
  'negative retries',
  rejects,
  { edit: [['        expect: { atLeast: 2 }', '        expect: { atLeast: 2 }\n        retries: -1']] },
  ['16:18: spec.hypothesis.probes[1].retries: expected an integer between 0 and 10, found -1'],
);

test(
  'a duplicate key, at the second one',
  rejects,
  { edit: [['    maxPodsPercent: 50', '    maxPodsPercent: 50\n    maxPodsPercent: 40']] },
  ['32:5: spec.safety.maxPodsPercent: duplicate key "maxPodsPercent" (first at line 31)'],
);

test(
  'a secret from neither the environment nor a file',
  rejects,
  { edit: [['  configuration:', '  secrets: { TOKEN: { vault: x } }\n  configuration:']] },
  [
    '7:21: spec.secrets.TOKEN: expected exactly one of env or file, found none',
    '7:23: spec.secrets.TOKEN.vault: unknown field; expected one of: env, file',
  ],
);

test(
  'a configuration name that is not a variable name',
  rejects,
  { edit: [['{ BASE_URL:', '{ base-url: x, BASE_URL:']] },
  ['7:20: spec.configuration["base-url"]: invalid key; expected a key matching /^[A-Za-z_][A-Za-z0-9_]*$/'],
);

test('a variable reference with an invalid name', rejects, { edit: [[ref('BASE_URL'), ref('BASE-URL')]] }, [
  `11:22: spec.hypothesis.probes[0].http.url: invalid variable reference ${ref('BASE-URL')}: a name is letters, digits and _, not starting with a digit`,
]);

test(
  'an unresolved variable is an error for plan and run',
  rejects,
  { edit: [['"http://toxiproxy:8474"', `"${ref('TOXIPROXY_URL')}"`]] },
  [
    `19:25: spec.faults[0].toxiproxy.url: unresolved variable ${ref('TOXIPROXY_URL')} (set it in the environment, with --var or in spec.configuration)`,
  ],
);

test(
  'an unclosed flow map',
  rejects,
  { text: 'apiVersion: faultline.dev/v1alpha1\nkind: Experiment\nmetadata: { name: x\nspec: {}\n' },
  ['4:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }'],
);

test(
  'a tab as indentation',
  rejects,
  { text: 'apiVersion: faultline.dev/v1alpha1\nkind: Experiment\n\tmetadata: {}\n' },
  ['3:1: invalid YAML: Tabs are not allowed as indentation'],
);

test('an empty file', rejects, { text: '' }, ['1:1: the file is empty; expected an Experiment document']);

test('a file of comments only', rejects, { text: '# nothing yet\n' }, [
  '1:1: the file is empty; expected an Experiment document',
]);

test('a list instead of a document', rejects, { text: '- a\n- b\n' }, [
  '1:1: expected a document of kind Experiment or Schedule (a mapping with apiVersion, kind, metadata and spec), found ["a", "b"]',
]);

test('two documents in one file', rejects, { text: 'kind: Experiment\n---\nkind: Experiment\n' }, [
  '2:1: a second document (after ---): a file holds one document',
]);

test('a mapping as a key', rejects, { text: 'kind: Experiment\n? [a]\n: b\n' }, [
  '2:3: a key must be a plain value, not a mapping or a list',
]);

test(
  'JSON, with positions in the JSON text',
  rejects,
  {
    extension: 'json',
    text: '{\n  "apiVersion": "faultline.dev/v1alpha1",\n  "kind": "Experiment",\n  "metadata": { "name": "x" },\n  "spec": { "duration": "1m", "hypothesis": { "probes": [] }, "faults": [] }\n}\n',
  },
  [
    '5:57: spec.hypothesis.probes: expected at least 1 item, found an empty list',
    '5:73: spec.faults: expected at least 1 item, found an empty list',
  ],
);

test('a file that does not exist', async (t) => {
  const file = join(directory, 'missing.yaml');
  const result = await loadExperiment(file);
  t.deepEqual(result.diagnostics.map(formatDiagnostic), [`${file}: error: cannot read the file (ENOENT)`]);
});
