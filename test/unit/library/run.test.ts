// runExperiment and planExperiment through the library, on an experiment that needs no server: a
// command fault (a program that runs while the fault is in place) and command probes. A real run:
// the ledger on disk, the processes started and stopped, the journal and, when asked, the reports.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  defineExperiment,
  type JournalEvent,
  loadExperiment,
  planExperiment,
  runExperiment,
} from '../../../src/library/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-library-run-'));
const node = process.execPath;

// The fault's program marks a file while it runs; the probe fails while the file is there.
const experimentWith = (marker: string, probed = marker) =>
  defineExperiment({
    apiVersion: 'faultline.dev/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'local-command' },
    spec: {
      duration: '${RUN_LENGTH}',
      hypothesis: {
        probes: [
          {
            name: 'unmarked',
            command: {
              run: [node, '-e', `process.exit(require('fs').existsSync(${JSON.stringify(probed)}) ? 1 : 0)`],
            },
            expect: { exitCode: 0 },
          },
        ],
        during: { every: '300ms', failAfter: 1 },
      },
      faults: [
        {
          name: 'busy',
          command: {
            run: [
              node,
              '-e',
              `const fs = require('fs'); fs.writeFileSync(${JSON.stringify(marker)}, ''); process.on('SIGTERM', () => { fs.rmSync(${JSON.stringify(marker)}); process.exit(0); }); setTimeout(() => {}, 60000);`,
            ],
          },
          start: '200ms',
          duration: '${FAULT_DURATION}',
        },
      ],
    },
  });

// The fault marks a file the probe does not look at: the run holds.
const harmless = () => experimentWith(join(dir, `harmless-${randomUUID()}`), join(dir, 'never-there'));

const ledgerLines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string });

test('a run that holds: verdict, exit code 0, the journal returned, the fault opened and closed in the ledger', async (t) => {
  const ledger = join(dir, 'held.jsonl');
  const events: JournalEvent[] = [];
  const result = await runExperiment(harmless(), {
    ledger,
    vars: { RUN_LENGTH: '1500ms', FAULT_DURATION: '300ms' },
    seed: 7,
    onEvent: (event) => events.push(event),
  });
  t.is(result.verdict, 'held', result.reason);
  t.is(result.exitCode, 0);
  t.is(result.seed, 7);
  t.is(result.journal.runId, result.runId);
  t.is(result.journal.verdict, 'held');
  t.deepEqual(result.leftBehind, []);
  t.is(result.reports, undefined, 'no reports unless asked for');
  t.deepEqual(
    result.journal.faults[0]?.actions.map((action) => action.revert),
    ['reverted'],
  );
  t.true(events.some((event) => event.type === 'injected'));
  t.deepEqual(
    ledgerLines(ledger).map((line) => line.type),
    ['open', 'close'],
  );
});

test('a run that deviates, with reports: exit code 1 and journal.json, report.md, report.html written', async (t) => {
  const reportDir = join(dir, 'reports');
  const marker = join(dir, 'marker');
  // Long enough for the fault's program to start on a busy machine: the first sample that sees its
  // mark deviates and ends the run.
  const loaded = await loadExperiment(experimentWith(marker), {
    vars: { RUN_LENGTH: '20s', FAULT_DURATION: '19s' },
  });
  if (!loaded.experiment) return t.fail(loaded.diagnostics.map((d) => d.message).join('\n'));
  const result = await runExperiment(loaded.experiment, { ledger: join(dir, 'deviated.jsonl'), reportDir });
  t.is(result.verdict, 'deviated', result.reason);
  t.is(result.exitCode, 1);
  t.regex(result.reason, /unmarked/);
  t.false(existsSync(marker), 'the fault was reverted: its program stopped and took its mark away');
  const reports = result.reports;
  if (!reports) return t.fail(`no reports: ${result.reportError}`);
  t.is(reports.journal, join(reportDir, result.runId, 'journal.json'));
  for (const file of [reports.journal, reports.markdown, reports.html]) t.true(existsSync(file), file);
  t.is((JSON.parse(readFileSync(reports.journal, 'utf8')) as { verdict: string }).verdict, 'deviated');
});

test('a run stopped by its signal: every fault reverted, verdict aborted, exit code 4', async (t) => {
  const controller = new AbortController();
  const result = await runExperiment(harmless(), {
    ledger: join(dir, 'aborted.jsonl'),
    vars: { RUN_LENGTH: '20s', FAULT_DURATION: '19s' },
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'injected') controller.abort('the test stops it');
    },
  });
  t.is(result.verdict, 'aborted');
  t.is(result.exitCode, 4);
  t.deepEqual(
    result.journal.faults[0]?.actions.map((action) => action.revert),
    ['reverted'],
  );
});

test('planExperiment: the fault, its target and an exit code of 0, without running anything', async (t) => {
  const plan = await planExperiment(harmless(), {
    seed: 3,
    vars: { RUN_LENGTH: '2s', FAULT_DURATION: '1s' },
  });
  t.is(plan.experiment, 'local-command');
  t.is(plan.seed, 3);
  t.is(plan.exitCode, 0);
  t.deepEqual(
    plan.faults.map((fault) => [fault.name, fault.kind, fault.targets.length]),
    [['busy', 'command', 1]],
  );
  t.deepEqual(plan.violations, []);
});
