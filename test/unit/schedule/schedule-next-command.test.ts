// `faultline schedule FILE --next N --from TIME`, as a user runs it (the real CLI, no server):
// a Europe/Berlin schedule across the change to summer time on 2026-03-29, with windows and a
// blackout date; every time below is computed by hand.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { runProcess } from '../../helpers/run-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const directory = mkdtempSync(join(tmpdir(), 'faultline-next-'));
writeFileSync(
  join(directory, 'tiny.yaml'),
  `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: tiny }
spec:
  duration: 5s
  hypothesis:
    probes:
      - { name: ok, command: { run: ["true"] }, expect: { exitCode: 0 } }
  faults:
    - name: slow
      toxiproxy: { url: "http://127.0.0.1:8474", proxy: p, toxic: latency, attributes: { latency: 100 } }
`,
);
const schedule = join(directory, 'berlin.yaml');
writeFileSync(
  schedule,
  `apiVersion: faultline.dev/v1alpha1
kind: Schedule
metadata: { name: berlin }
spec:
  timezone: Europe/Berlin
  entries:
    - { name: morning, experiment: tiny.yaml, cron: "0 10 * * *" }
    - { name: night, experiment: tiny.yaml, cron: "30 2 * * *" }
    - { name: afternoon, experiment: tiny.yaml, cron: "0 0 16 * * *" }
  windows:
    - { days: [mon-fri], from: "10:00", to: "16:00" }
    - { days: [sun], from: "01:00", to: "04:00" }
  blackouts: ["2026-03-27"]
  jitter: 5m
`,
);

const faultline = (...args: string[]) =>
  runProcess(process.execPath, [`${projectRoot}cli/faultline.ts`, ...args], { cwd: projectRoot });

test('--next 7 from Thursday before the change to summer time', async (t) => {
  const result = await faultline('schedule', schedule, '--next', '7', '--from', '2026-03-26T09:00:00+01:00');
  t.is(result.exitCode, ExitCode.held, result.stderr);
  t.deepEqual(result.stdout.trim().split('\n'), [
    '2026-03-26T10:00:00+01:00  morning  tiny.yaml', // Thursday, CET
    // 16:00 is the end of the window (exclusive): "afternoon" never fires.
    // Friday 27th is a blackout; Saturday has no window; Sunday 29th: 02:30 does not exist.
    '2026-03-30T10:00:00+02:00  morning  tiny.yaml', // Monday, CEST
    '2026-03-31T10:00:00+02:00  morning  tiny.yaml',
    '2026-04-01T10:00:00+02:00  morning  tiny.yaml',
    '2026-04-02T10:00:00+02:00  morning  tiny.yaml',
    '2026-04-03T10:00:00+02:00  morning  tiny.yaml',
    '2026-04-05T02:30:00+02:00  night  tiny.yaml', // Sunday window 01:00-04:00
  ]);
  t.regex(
    result.stderr,
    /next fires of berlin after 2026-03-26T09:00:00\+01:00 \(Europe\/Berlin\); each starts up to 5m later/,
  );
});

test('--from in UTC means the same instant; times are printed in the schedule zone', async (t) => {
  const result = await faultline('schedule', schedule, '--next', '1', '--from', '2026-03-26T08:00:00Z');
  t.is(result.stdout, '2026-03-26T10:00:00+01:00  morning  tiny.yaml\n');
});

test('--from without an offset is refused (invalid input)', async (t) => {
  const result = await faultline('schedule', schedule, '--next', '1', '--from', '2026-03-26T09:00:00');
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /expected an ISO 8601 time with an offset/);
});

test('an invalid schedule: FILE:LINE:COL diagnostics, exit 2, nothing printed', async (t) => {
  const bad = join(directory, 'bad.yaml');
  writeFileSync(
    bad,
    'apiVersion: faultline.dev/v1alpha1\nkind: Schedule\nmetadata: { name: bad }\nspec:\n  entries:\n    - { name: a, experiment: missing.yaml, cron: "0 10 * * *" }\n',
  );
  const result = await faultline('schedule', bad, '--next', '3');
  t.is(result.exitCode, ExitCode.invalidInput);
  t.is(result.stdout, '');
  t.regex(
    result.stderr,
    /bad\.yaml:6:30: error: spec\.entries\[0\]\.experiment: cannot read the file \(ENOENT\): .*missing\.yaml/,
  );
});
