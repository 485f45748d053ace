// The daemon's judgement of each fire, with node-cron firing every second for real and the run,
// the Lease and the metrics swapped for fakes: runs never overlap (across entries too), a fire on
// a blackout date or without the lead is skipped, and stopping or losing the lead aborts the run.
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { systemClock } from '../../../src/clock.ts';
import type { Schedule } from '../../../src/experiment/schedule-schema.ts';
import { createDaemon, type RunEntry } from '../../../src/schedule/daemon.ts';
import { createDaemonMetrics } from '../../../src/schedule/daemon-metrics.ts';
import type { LeaseElector } from '../../../src/schedule/lease-elector.ts';

const everySecond = (extra: Partial<Schedule['spec']> = {}): Schedule => ({
  apiVersion: 'faultline.dev/v1alpha1',
  kind: 'Schedule',
  metadata: { name: 'unit' },
  spec: {
    timezone: 'UTC',
    entries: [
      { name: 'first', experiment: 'first.yaml', cron: '* * * * * *' },
      { name: 'second', experiment: 'second.yaml', cron: '* * * * * *' },
    ],
    ...extra,
  },
});

// A run that lasts until it is aborted, as a long experiment does.
function endlessRuns() {
  const calls: { entry: string; signal: AbortSignal }[] = [];
  const runEntry: RunEntry = (entry, { signal }) => {
    calls.push({ entry: entry.name, signal });
    return new Promise((resolve) =>
      signal.addEventListener('abort', () =>
        resolve({
          experiment: entry.name,
          verdict: 'aborted',
          reason: String(signal.reason),
          revertFailed: false,
        }),
      ),
    );
  };
  return { calls, runEntry };
}

function fakeElector(leading: { value: boolean }): LeaseElector & { released: boolean } {
  return {
    identity: 'unit-test',
    released: false,
    isLeader: () => leading.value,
    tick: async () => leading.value,
    run: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    claim: async () => (leading.value ? { granted: true } : { granted: false, reason: 'not-leader' }),
    async release() {
      this.released = true;
    },
    lastTickAt: () => Date.now(),
  };
}

function setup(schedule: Schedule, runEntry: RunEntry, elector?: LeaseElector) {
  const metrics = createDaemonMetrics({
    schedule: schedule.metadata.name,
    entries: schedule.spec.entries.map((entry) => ({ name: entry.name, experiment: entry.name })),
  });
  const lines: Record<string, unknown>[] = [];
  let runs = 0;
  const daemon = createDaemon({
    schedule,
    experimentNames: {},
    runEntry,
    newRunId: () => `run-${++runs}`,
    metrics,
    log: (level, message, fields) => lines.push({ level, message, ...fields }),
    clock: systemClock,
    elector,
    runner: 'unit-test',
  });
  return { daemon, metrics, lines };
}

const metricValue = async (metrics: ReturnType<typeof createDaemonMetrics>, pattern: RegExp) =>
  Number(pattern.exec(await metrics.render())?.[1] ?? Number.NaN);

test.serial(
  'one run at a time across entries; SIGTERM aborts it, waits for it, and stops firing',
  async (t) => {
    const { calls, runEntry } = endlessRuns();
    const { daemon, metrics, lines } = setup(everySecond(), runEntry);
    daemon.start();
    t.true(daemon.isReady());
    await sleep(3_200);
    t.is(calls.length, 1, 'the first fire runs; every later fire of either entry is skipped');
    t.true(
      (await metricValue(
        metrics,
        /faultline_fires_skipped_total\{entry="\w+",reason="run-in-progress",schedule="unit"\} (\d+)/,
      )) >= 2,
    );
    t.is(await metricValue(metrics, /faultline_run_in_progress\{schedule="unit"\} (\d+)/), 1);
    const result = await daemon.stop('interrupted by SIGTERM');
    t.deepEqual(result, { revertFailed: false });
    t.false(daemon.isReady());
    t.true(calls[0]?.signal.aborted);
    t.regex(
      await metrics.render(),
      /faultline_runs_total\{entry="\w+",experiment="\w+",verdict="aborted",schedule="unit"\} 1/,
    );
    const finished = lines.find((line) => line.message === 'run finished');
    t.is(finished?.reason, 'interrupted by SIGTERM');
    await sleep(1_200);
    t.is(calls.length, 1, 'nothing fires after stop');
  },
);

test.serial('a blackout day: every fire is skipped and said so', async (t) => {
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const { calls, runEntry } = endlessRuns();
  const { daemon, metrics, lines } = setup(everySecond({ blackouts: [today, tomorrow] }), runEntry);
  daemon.start();
  await sleep(1_500);
  await daemon.stop('test over');
  t.is(calls.length, 0);
  t.true(
    (await metricValue(
      metrics,
      /faultline_fires_skipped_total\{entry="first",reason="blackout",schedule="unit"\} (\d+)/,
    )) >= 1,
  );
  t.true(lines.some((line) => line.message === 'fire skipped' && line.reason === 'blackout'));
  // No window opens before the day after tomorrow: the gauge says when.
  const next = await metricValue(
    metrics,
    /faultline_next_fire_timestamp_seconds\{entry="first",schedule="unit"\} (\d+)/,
  );
  t.true(next * 1000 >= Date.parse(`${tomorrow}T00:00:00Z`) + 86_400_000);
});

test.serial(
  'without the lead nothing runs; losing it mid-run aborts the run; stop releases the Lease',
  async (t) => {
    const leading = { value: false };
    const elector = fakeElector(leading);
    const { calls, runEntry } = endlessRuns();
    const { daemon, metrics } = setup(
      everySecond({ entries: everySecond().spec.entries.slice(0, 1) }),
      runEntry,
      elector,
    );
    daemon.start();
    await sleep(1_500);
    t.is(calls.length, 0);
    t.true(
      (await metricValue(
        metrics,
        /faultline_fires_skipped_total\{entry="first",reason="not-leader",schedule="unit"\} (\d+)/,
      )) >= 1,
    );
    leading.value = true;
    await sleep(1_500);
    t.is(calls.length, 1);
    t.is(await metricValue(metrics, /faultline_leader\{schedule="unit"\} (\d+)/), 1);
    leading.value = false;
    await sleep(1_200);
    t.true(calls[0]?.signal.aborted);
    t.is(calls[0]?.signal.reason, 'this daemon lost the Lease');
    await daemon.stop('test over');
    t.true(elector.released);
    t.is(await metricValue(metrics, /faultline_leader\{schedule="unit"\} (\d+)/), 0);
  },
);
