// Chaos Toolkit's hypothesis strategies (the file's runtime.hypothesis.strategy, or chaos run's
// --hypothesis-strategy, --hypothesis-frequency and --fail-fast, which faultline import takes too)
// as Faultline's hypothesis.during, and the comment that says what differs.
import test from 'ava';
import { convertChaosToolkit, type ImportOptions } from '../../../src/chaostoolkit/convert-chaostoolkit.ts';
import { placed } from './import-helpers.ts';

// A 20 s method: a latency toxic, then a pause.
const experiment = (runtime = '') => `title: Slow catalog
description: A toxic for 20 seconds
configuration:
  toxiproxy_url: http://127.0.0.1:8474
${runtime}steady-state-hypothesis:
  title: The storefront answers
  probes:
    - {type: probe, name: storefront, tolerance: 200, provider: {type: http, url: "http://127.0.0.1:8080/"}}
method:
  - type: action
    name: slow-catalog
    provider:
      type: python
      module: chaostoxi.toxic.actions
      func: create_latency_toxic
      arguments: {for_proxy: catalog, toxic_name: slow, latency: 3000}
    pauses: {after: 20}
`;

function during(options: ImportOptions, runtime?: string) {
  const result = convertChaosToolkit(experiment(runtime), 'strategy.yaml', options);
  const hypothesis = (result.document?.spec as { hypothesis: { during: unknown } } | undefined)?.hypothesis;
  const notes = result.notes
    .filter((note) => note.path.join('.') === 'spec.hypothesis')
    .map((note) => note.text);
  return { during: hypothesis?.during, notes, errors: placed(result.diagnostics, 'error') };
}

test('default: one check at the end of the method, with the toxic in place', (t) => {
  const { during: value, notes } = during({});
  t.deepEqual(value, { every: '20s', failAfter: 1 });
  t.deepEqual(notes, [
    'Chaos Toolkit checks it after the method with the faults still in place: here at 20s, where the pauses end, and the method lasts until 26s so that the check can finish; Faultline checks it again after reverting every fault',
  ]);
});

test('continuously with --fail-fast: the first failed check deviates, every --hypothesis-frequency seconds', (t) => {
  const { during: value, notes } = during({
    strategy: 'continuously',
    frequencySeconds: 0.5,
    failFast: true,
  });
  t.deepEqual(value, { every: '500ms', failAfter: 1 });
  t.is(
    notes[0],
    '--fail-fast: the first failed check during the method deviates the run, and Faultline reverts every fault at once (Chaos Toolkit lets the method go on)',
  );
});

test('continuously without --fail-fast: the verdict comes from the check after the method, as in Chaos Toolkit', (t) => {
  const { during: value, notes } = during({ strategy: 'continuously' });
  t.deepEqual(value, { every: '20s', failAfter: 1 });
  t.is(
    notes[0],
    'Chaos Toolkit without --fail-fast also records a check every 1s during the method, failing on none; its verdict comes from the check after the method',
  );
});

test('during-method-only without --fail-fast: checks every second, none failing the run (Chaos Toolkit has no check after)', (t) => {
  t.deepEqual(during({ strategy: 'during-method-only' }).during, { every: '1s', failAfter: 21 });
});

test('the file strategy is used when no flag is given; the flag wins over it', (t) => {
  t.deepEqual(during({}, 'runtime:\n  hypothesis:\n    strategy: during-method-only\n').during, {
    every: '1s',
    failAfter: 21,
  });
  t.deepEqual(
    during({ strategy: 'default' }, 'runtime:\n  hypothesis:\n    strategy: during-method-only\n').during,
    {
      every: '20s',
      failAfter: 1,
    },
  );
  // chaos run accepts the misspelling "continously" too.
  t.deepEqual(during({ failFast: true }, 'runtime:\n  hypothesis:\n    strategy: continously\n').during, {
    every: '1s',
    failAfter: 1,
  });
});

test('before-method-only and skip: recorded during the method, never failing it; the comment says so', (t) => {
  for (const strategy of ['before-method-only', 'skip']) {
    const { during: value, notes } = during({ strategy });
    t.deepEqual(value, { every: '2s', failAfter: 11 });
    t.regex(
      notes[0] ?? '',
      strategy === 'skip' ? /would not check the hypothesis at all/ : /only before the method/,
    );
  }
});

test('after-method-only: Faultline still refuses to inject unless the hypothesis holds first', (t) => {
  const { during: value, notes } = during({ strategy: 'after-method-only' });
  t.deepEqual(value, { every: '20s', failAfter: 1 });
  t.is(
    notes[0],
    'Chaos Toolkit does not check it before the method (after-method-only); Faultline injects nothing unless it holds first',
  );
});

test('an unknown strategy in the file is an error at its position', (t) => {
  const { errors } = during({}, 'runtime:\n  hypothesis:\n    strategy: sometimes\n');
  t.deepEqual(errors, [
    '7:15: runtime.hypothesis.strategy: unknown hypothesis strategy "sometimes" (Chaos Toolkit knows default, before-method-only, after-method-only, during-method-only, continuously, skip)',
  ]);
});
