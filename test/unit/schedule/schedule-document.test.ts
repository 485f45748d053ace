// The Schedule document: its published JSON Schema (no drift), the shipped game day, and every
// problem reported at FILE:LINE:COL with what was expected and what was found.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import {
  formatWithBiome,
  renderScheduleSchema,
  scheduleSchemaFile,
} from '../../../scripts/generate-schema.ts';
import { formatDiagnostic } from '../../../src/experiment/diagnostic.ts';
import { parseExperiment } from '../../../src/experiment/load-experiment.ts';
import { validateSchema } from '../../../src/experiment/validate-schema.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const committed = readFileSync(scheduleSchemaFile, 'utf8');
const gameday = readFileSync(`${projectRoot}experiments/gameday.yaml`, 'utf8');

test('schema/schedule.schema.json is what scripts/generate-schema.ts writes', (t) => {
  t.is(committed, formatWithBiome(renderScheduleSchema()));
  const published = JSON.parse(committed) as Record<string, unknown>;
  t.is(published.$id, 'https://faultline.dev/schemas/v1alpha1/schedule.json');
  t.true(committed.includes('"patternErrorMessage": "expected a time of day HH:MM between 00:00 and 24:00"'));
});

test('the shipped game day validates, against the loader and the published schema', (t) => {
  t.true(gameday.startsWith('# yaml-language-server: $schema=../schema/schedule.schema.json\n'));
  const loaded = parseExperiment(gameday, 'experiments/gameday.yaml', {
    env: { FAULTLINE_WEBHOOK_URL: 'https://hooks.example/T0/B0/secret' },
  });
  t.deepEqual(loaded.diagnostics, []);
  t.is(loaded.kind, 'Schedule');
  t.is(loaded.experiment, undefined, 'a Schedule is not an Experiment');
  t.deepEqual(validateSchema(JSON.parse(committed), parse(gameday)), []);
  t.is(loaded.redact('posting to https://hooks.example/T0/B0/secret'), 'posting to ***');
});

const base = `apiVersion: faultline.dev/v1alpha1
kind: Schedule
metadata: { name: berlin }
spec:
  timezone: Europe/Berlin
  entries:
    - name: morning
      experiment: morning.yaml
      cron: "0 10 * * mon-fri"
  windows:
    - { days: [mon-fri], from: "10:00", to: "16:00" }
  blackouts: ["2026-12-24"]
  jitter: 5m
  lease: { name: gameday, namespace: faultline }
`;

const rejects = test.macro(
  (t, edits: [string, string][], expected: string[], options: { kinds?: string[] } = {}) => {
    let text = base;
    for (const [from, to] of edits) {
      t.true(text.includes(from), `the edit applies: ${from}`);
      text = text.replace(from, to);
    }
    const loaded = parseExperiment(text, 'gameday.yaml', options);
    t.deepEqual(
      loaded.diagnostics.map((d) => formatDiagnostic(d).replace('gameday.yaml:', '')),
      expected.map((line) => line.replace(/^(\d+:\d+): /, '$1: error: ')),
    );
    t.is(loaded.document, undefined);
  },
);

test('the base document is valid', (t) => {
  t.deepEqual(parseExperiment(base, 'gameday.yaml').diagnostics, []);
});

test(
  'a cron field out of range, in node-cron words',
  rejects,
  [['0 10 * * mon-fri', '0 25 * * mon-fri']],
  [
    '9:13: spec.entries[0].cron: invalid cron expression "0 25 * * mon-fri": hour: 25 is a invalid expression for hour',
  ],
);

test(
  'a cron expression with too few fields',
  rejects,
  [['0 10 * * mon-fri', '0 10 *']],
  [
    '9:13: spec.entries[0].cron: invalid cron expression "0 10 *": expression: expected 5 or 6 fields but got 3',
  ],
);

test(
  'a misspelt time zone',
  rejects,
  [['Europe/Berlin', 'Europe/Berln']],
  ['5:13: spec.timezone: unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"?'],
);

test(
  'a day that is no day',
  rejects,
  [['[mon-fri]', '[monday]']],
  [
    '11:16: spec.windows[0].days[0]: expected a day (mon, tue, wed, thu, fri, sat or sun) or a range such as mon-fri, found "monday"',
  ],
);

test(
  'a time of day past midnight',
  rejects,
  [['"16:00"', '"25:00"']],
  ['11:45: spec.windows[0].to: expected a time of day HH:MM between 00:00 and 24:00, found "25:00"'],
);

test(
  'a window that ends before it starts',
  rejects,
  [['"16:00"', '"09:00"']],
  [
    '11:45: spec.windows[0].to: the window ends before it starts (from 10:00 to 09:00); split a window across midnight into two',
  ],
);

test(
  'a blackout that is not a date',
  rejects,
  [['"2026-12-24"', '"2026-02-29"']],
  ['12:15: spec.blackouts[0]: no such date "2026-02-29"'],
);

test(
  'a blackout in another format',
  rejects,
  [['"2026-12-24"', '"24.12.2026"']],
  ['12:15: spec.blackouts[0]: expected a date YYYY-MM-DD, found "24.12.2026"'],
);

test(
  'jitter in words',
  rejects,
  [['jitter: 5m', 'jitter: five minutes']],
  ['13:11: spec.jitter: expected a duration such as 500ms, 30s, 2m or 1h, found "five minutes"'],
);

test(
  'a lease duration Kubernetes cannot hold',
  rejects,
  [['namespace: faultline }', 'namespace: faultline, duration: 2500ms }']],
  [
    '14:59: spec.lease.duration: expected a whole number of seconds of at least 3s (a Lease counts in seconds), found "2500ms"',
  ],
);

test(
  'a concurrency policy other than skip',
  rejects,
  [['  jitter: 5m\n', '  jitter: 5m\n  concurrency: overlap\n']],
  ['14:16: spec.concurrency: expected "skip", found "overlap"'],
);

test(
  'two entries with one name',
  rejects,
  [
    [
      '      cron: "0 10 * * mon-fri"\n',
      '      cron: "0 10 * * mon-fri"\n    - { name: morning, experiment: x.yaml, cron: "0 12 * * *" }\n',
    ],
  ],
  ['10:15: spec.entries[1].name: duplicate name "morning"; spec.entries[0] already has it'],
);

test(
  'a webhook that is not http',
  rejects,
  [['  jitter: 5m\n', '  jitter: 5m\n  notifications: { webhooks: [{ url: "mailto:sre@example.com" }] }\n']],
  [
    '14:38: spec.notifications.webhooks[0].url: expected an http or https URL, found "mailto:sre@example.com"',
  ],
);

test(
  'a misspelt field',
  rejects,
  [['  jitter: 5m', '  jiter: 5m']],
  ['13:3: spec.jiter: unknown field; did you mean "jitter"?'],
);

test(
  'a Schedule where an Experiment is required',
  rejects,
  [],
  ['2:7: kind: this command takes a document of kind "Experiment", not "Schedule"'],
  { kinds: ['Experiment'] },
);
