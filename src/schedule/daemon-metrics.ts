// What the daemon exposes on /metrics (prom-client, every name prefixed faultline_): runs by
// verdict, faults injected by kind, hypothesis deviations, run durations, the next fire time,
// fires skipped and why, leadership; plus Node's process metrics.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Journal } from '../engine/journal.ts';
import type { Verdict } from '../engine/verdict.ts';

export const verdicts: readonly Verdict[] = ['held', 'deviated', 'not-started', 'aborted', 'error'];

export type SkipReason =
  | 'outside-window'
  | 'blackout'
  | 'run-in-progress'
  | 'not-leader'
  | 'already-claimed'
  | 'lost-lease'
  | 'halted'
  | 'missed'
  | 'shutting-down'
  | 'coordinator-error';

export type DaemonMetrics = {
  contentType: string;
  render(): Promise<string>;
  runStarted(): void;
  runEnded(run: { entry: string; experiment: string; verdict: Verdict; journal?: Journal }): void;
  fireSkipped(entry: string, reason: SkipReason): void;
  nextFire(entry: string, at: number | undefined): void;
  leader(isLeader: boolean): void;
  notificationFailed(): void;
};

export function createDaemonMetrics(options: {
  schedule: string;
  entries: readonly { name: string; experiment: string }[];
}): DaemonMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ schedule: options.schedule });
  collectDefaultMetrics({ register: registry, prefix: 'faultline_' });
  const registers = [registry];
  const runs = new Counter({
    name: 'faultline_runs_total',
    help: 'Experiment runs the schedule started, by entry, experiment and verdict.',
    labelNames: ['entry', 'experiment', 'verdict'],
    registers,
  });
  const faults = new Counter({
    name: 'faultline_faults_injected_total',
    help: 'Faults injected by scheduled runs, by kind.',
    labelNames: ['kind'],
    registers,
  });
  const deviations = new Counter({
    name: 'faultline_deviations_total',
    help: 'Hypothesis samples out of tolerance during scheduled runs, by experiment and probe.',
    labelNames: ['experiment', 'probe'],
    registers,
  });
  const duration = new Histogram({
    name: 'faultline_run_duration_seconds',
    help: 'How long scheduled runs took, from recovery to verdict.',
    labelNames: ['entry', 'experiment'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers,
  });
  const nextFire = new Gauge({
    name: 'faultline_next_fire_timestamp_seconds',
    help: 'When each entry fires next, windows and blackouts applied (Unix time).',
    labelNames: ['entry'],
    registers,
  });
  const skipped = new Counter({
    name: 'faultline_fires_skipped_total',
    help: 'Fires that started no run, by entry and reason.',
    labelNames: ['entry', 'reason'],
    registers,
  });
  const leader = new Gauge({
    name: 'faultline_leader',
    help: '1 while this daemon holds the Lease (or runs without one), else 0.',
    registers,
  });
  const inProgress = new Gauge({
    name: 'faultline_run_in_progress',
    help: '1 while a scheduled run is going.',
    registers,
  });
  const notificationsFailed = new Counter({
    name: 'faultline_notifications_failed_total',
    help: 'Webhook notifications that failed after every retry.',
    registers,
  });
  // Every series exists from the start at 0, so rate() and increase() see the first run.
  for (const entry of options.entries) {
    for (const verdict of verdicts) runs.labels(entry.name, entry.experiment, verdict).inc(0);
  }
  leader.set(0);
  inProgress.set(0);
  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    runStarted: () => inProgress.set(1),
    runEnded(run) {
      inProgress.set(0);
      runs.labels(run.entry, run.experiment, run.verdict).inc();
      const journal = run.journal;
      if (!journal) return;
      for (const fault of journal.faults) {
        if (fault.actions.some((action) => action.injectedAt !== undefined)) faults.labels(fault.kind).inc();
      }
      for (const sample of journal.samples) {
        if (sample.role === 'hypothesis' && sample.outcome !== 'ok')
          deviations.labels(run.experiment, sample.probe).inc();
      }
      if (journal.endedAt !== undefined)
        duration.labels(run.entry, run.experiment).observe((journal.endedAt - journal.startedAt) / 1000);
    },
    fireSkipped: (entry, reason) => skipped.labels(entry, reason).inc(),
    nextFire(entry, at) {
      if (at === undefined) nextFire.remove(entry);
      else nextFire.labels(entry).set(at / 1000);
    },
    leader: (isLeader) => leader.set(isLeader ? 1 : 0),
    notificationFailed: () => notificationsFailed.inc(),
  };
}
