// The game-day daemon: one node-cron task per schedule entry, with node-cron's time zone,
// noOverlap, maxRandomDelay (jitter) and its run-coordinator hook. The coordinator is where a fire
// is judged: inside a window and not on a blackout date, no run already going (of any entry: runs
// never overlap), and, with a Lease, this daemon leading and first to claim that fire. A run that
// is going when leadership is lost or SIGTERM arrives is aborted: its faults are reverted and its
// journal written before the daemon lets go of the Lease.
import { type Logger as CronLogger, createTask, type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock.ts';
import type { Journal } from '../engine/journal.ts';
import type { Verdict } from '../engine/verdict.ts';
import { parseDuration } from '../experiment/duration.ts';
import type { Schedule, ScheduleEntrySpec } from '../experiment/schedule-schema.ts';
import { nextFireOf } from './cron-series.ts';
import type { DaemonMetrics, SkipReason } from './daemon-metrics.ts';
import type { Log } from './json-log.ts';
import type { LeaseElector } from './lease-elector.ts';
import { nextAllowedFire } from './next-fires.ts';
import type { RunNotice } from './notify-webhook.ts';
import { sweepEvery } from './sweep-dead-runs.ts';
import { compileFireRules, judgeFireTime } from './windows.ts';

export type EntryRun = {
  /** The experiment's metadata.name (its file name when it could not be loaded). */
  experiment: string;
  verdict: Verdict;
  reason: string;
  revertFailed: boolean;
  /** The human report, or the journal when no report could be written. */
  report?: string;
  journal?: Journal;
};

/** Loads the entry's experiment and runs it to the end, journal and reports written. */
export type RunEntry = (
  entry: ScheduleEntrySpec,
  run: { runId: string; slot: Date; signal: AbortSignal },
) => Promise<EntryRun>;

export type DaemonOptions = {
  schedule: Schedule;
  /** Entry name -> experiment metadata.name (metric labels). */
  experimentNames: Readonly<Record<string, string>>;
  runEntry: RunEntry;
  newRunId: () => string;
  metrics: DaemonMetrics;
  log: Log;
  clock: Clock;
  /** Without one this daemon always leads (a single replica). */
  elector?: LeaseElector;
  /** Who runs (in notices): the Lease identity, or the host. */
  runner: string;
  /** Told of every finished run; never throws. */
  notify?: (notice: RunNotice, signal: AbortSignal) => Promise<void>;
  /** How long a fire claim stays in the Lease (default: 4 lease durations, at least a minute). */
  claimTtlMs?: number;
  /** Reverts faults earlier runs left behind; called on taking the lead (at start without a Lease). */
  recover?: () => Promise<void>;
  /** Reverts the faults of runs that are gone (their Leases expired), leader or standby: every `sweepMs`. */
  sweep?: () => Promise<void>;
  sweepMs?: number;
  /** Why nothing may fire now (faultline halt), or undefined. */
  halted?: () => Promise<string | undefined>;
};

export type Daemon = {
  start(): void;
  /** Graceful: no new fires, the current run aborted and reverted, notices sent, the Lease released. */
  stop(reason: string): Promise<{ revertFailed: boolean }>;
  isReady(): boolean;
  isHealthy(): boolean;
};

type CurrentRun = { entry: string; runId: string; controller: AbortController; done: Promise<EntryRun> };

const noticeDeadlineMs = 15_000;

export function createDaemon(options: DaemonOptions): Daemon {
  const { schedule, clock, log, metrics, elector } = options;
  const spec = schedule.spec;
  const timeZone = spec.timezone ?? 'UTC';
  const rules = compileFireRules(spec);
  const leaseMs = parseDuration(spec.lease?.duration ?? '15s');
  const claimTtlMs = options.claimTtlMs ?? Math.max(60_000, 4 * leaseMs);
  const tasks = new Map<string, ScheduledTask>();
  const notices = new Set<Promise<void>>();
  const stopping = new AbortController();
  const electorLoop = new AbortController();
  let electorDone: Promise<void> = Promise.resolve();
  let watch: NodeJS.Timeout | undefined;
  let started = false;
  let leading = elector === undefined;
  let current: CurrentRun | undefined;
  let lastRevertFailed = false;
  let stopped: Promise<{ revertFailed: boolean }> | undefined;
  let recovering: Promise<void> = Promise.resolve();
  let sweeping: Promise<void> = Promise.resolve();

  // A new leader first puts back whatever a dead one left (its runs start after that).
  const recoverOrphans = () => {
    if (!options.recover) return;
    recovering = options.recover().catch((error: Error) => {
      log('error', 'could not recover faults left by earlier runs', { error: error.message });
    });
  };

  const cronLogger: CronLogger = {
    info: (message) => log('info', message, { source: 'node-cron' }),
    warn: (message) => log('warn', message, { source: 'node-cron' }),
    error: (message, error) =>
      log('error', message instanceof Error ? message.message : message, {
        source: 'node-cron',
        error: error?.message,
      }),
    debug: (message) =>
      log('debug', message instanceof Error ? message.message : message, { source: 'node-cron' }),
  };

  const skip = (entry: string, reason: SkipReason, slot: Date, detail?: string) => {
    metrics.fireSkipped(entry, reason);
    if (reason !== 'not-leader')
      log('info', 'fire skipped', { entry, slot: slot.toISOString(), reason, detail });
  };

  const updateNextFire = (entry: string) => {
    const task = tasks.get(entry);
    if (!task) return;
    const series = { next: (after: number) => nextFireOf(task, after), dispose: () => undefined };
    metrics.nextFire(entry, nextAllowedFire(series, rules, clock.now()));
  };

  // node-cron's key is "<task name>:<slot ISO time>"; the slot is what windows are judged on.
  const slotOfKey = (entry: string, key: string): Date => {
    const slot = key.startsWith(`${entry}:`) ? Date.parse(key.slice(entry.length + 1)) : Number.NaN;
    return new Date(Number.isNaN(slot) ? Math.floor(clock.now() / 1000) * 1000 : slot);
  };

  const gateFor = (entry: ScheduleEntrySpec): RunCoordinator => ({
    async shouldRun(key, ttlMs) {
      const slot = slotOfKey(entry.name, key);
      updateNextFire(entry.name);
      const decision = judgeFireTime(slot.getTime(), rules);
      const refusal: [SkipReason, string?] | undefined = !decision.allowed
        ? [decision.reason, decision.detail]
        : stopping.signal.aborted
          ? ['shutting-down']
          : current
            ? ['run-in-progress', `run ${current.runId}`]
            : undefined;
      if (refusal) {
        skip(entry.name, refusal[0], slot, refusal[1]);
        return false;
      }
      if (!elector) return true;
      let claim: Awaited<ReturnType<LeaseElector['claim']>>;
      try {
        claim = await elector.claim(key, ttlMs);
      } catch (error) {
        skip(entry.name, 'coordinator-error', slot, (error as Error).message);
        return false;
      }
      if (!claim.granted) skip(entry.name, claim.reason, slot);
      return claim.granted;
    },
  });

  const fire = async (entry: ScheduleEntrySpec, slot: Date): Promise<void> => {
    // Re-checked after the jitter delay: another entry may have started, or leadership moved.
    if (stopping.signal.aborted) return skip(entry.name, 'shutting-down', slot);
    if (current) return skip(entry.name, 'run-in-progress', slot, `run ${current.runId}`);
    if (elector && !elector.isLeader()) return skip(entry.name, 'lost-lease', slot);
    const halt = await options.halted?.().catch(() => undefined);
    if (halt) return skip(entry.name, 'halted', slot, halt);
    const runId = options.newRunId();
    const controller = new AbortController();
    const startedAt = clock.now();
    log('info', 'run started', {
      entry: entry.name,
      slot: slot.toISOString(),
      runId,
      experiment: entry.experiment,
    });
    metrics.runStarted();
    const done = recovering
      .then(() => options.runEntry(entry, { runId, slot, signal: controller.signal }))
      .catch(
        (error: Error): EntryRun => ({
          experiment: options.experimentNames[entry.name] ?? entry.experiment,
          verdict: 'error',
          reason: `the run failed: ${error.message}`,
          revertFailed: false,
        }),
      );
    current = { entry: entry.name, runId, controller, done };
    const run = await done;
    current = undefined;
    lastRevertFailed = run.revertFailed;
    metrics.runEnded({
      entry: entry.name,
      experiment: run.experiment,
      verdict: run.verdict,
      journal: run.journal,
    });
    log(run.revertFailed ? 'error' : 'info', 'run finished', {
      entry: entry.name,
      slot: slot.toISOString(),
      runId,
      verdict: run.verdict,
      reason: run.reason,
      revertFailed: run.revertFailed,
      report: run.report,
    });
    updateNextFire(entry.name);
    const notice: RunNotice = {
      schedule: schedule.metadata.name,
      entry: entry.name,
      experiment: run.experiment,
      runId,
      verdict: run.verdict,
      reason: run.reason,
      report: run.report,
      startedAt,
      endedAt: clock.now(),
      revertFailed: run.revertFailed,
      runner: options.runner,
    };
    if (options.notify) {
      const sending = options.notify(notice, stopping.signal).catch(() => undefined);
      notices.add(sending);
      void sending.finally(() => notices.delete(sending));
    }
  };

  // Leadership is judged on the clock (a holder that could not renew in time has lost it even if
  // no answer came back), so it is watched rather than waited for.
  const watchLeadership = () => {
    const leads = elector ? elector.isLeader() : true;
    if (leads === leading) return;
    leading = leads;
    metrics.leader(leads);
    log(leads ? 'info' : 'warn', leads ? 'leading: this daemon fires' : 'not leading any more', {
      identity: elector?.identity,
    });
    if (leads) recoverOrphans();
    if (!leads && current) {
      log('warn', 'aborting the run: another daemon may fire now', { runId: current.runId });
      current.controller.abort('this daemon lost the Lease');
    }
  };

  return {
    start() {
      if (started) return;
      started = true;
      metrics.leader(leading);
      const jitterMs = spec.jitter ? parseDuration(spec.jitter) : 0;
      for (const entry of spec.entries) {
        const task = createTask(entry.cron, (context) => fire(entry, context.date), {
          name: entry.name,
          timezone: timeZone,
          noOverlap: true,
          maxRandomDelay: jitterMs,
          distributed: true,
          runCoordinator: gateFor(entry),
          distributedLease: claimTtlMs,
          logger: cronLogger,
        });
        task.on('execution:overlap', (context) => skip(entry.name, 'run-in-progress', context.date));
        task.on('execution:missed', (context) =>
          skip(entry.name, 'missed', context.date, 'the process was too busy at that time'),
        );
        tasks.set(entry.name, task);
        void task.start();
        updateNextFire(entry.name);
      }
      if (!elector) recoverOrphans();
      if (options.sweep)
        sweeping = sweepEvery(options.sweep, options.sweepMs ?? 1_000, clock, stopping.signal, log);
      if (elector) {
        electorDone = elector.run(electorLoop.signal).catch((error: Error) => {
          log('error', 'the Lease loop stopped', { error: error.message });
        });
        watch = setInterval(watchLeadership, Math.min(1_000, Math.max(100, leaseMs / 10)));
      }
      log('info', 'schedule started', {
        schedule: schedule.metadata.name,
        entries: spec.entries.length,
        timezone: timeZone,
        lease: spec.lease ? `${spec.lease.namespace}/${spec.lease.name}` : undefined,
        identity: elector?.identity,
      });
    },
    stop(reason) {
      stopped ??= (async () => {
        stopping.abort(reason);
        for (const task of tasks.values()) await task.destroy();
        if (current) {
          log('warn', 'stopping: aborting the run and reverting every fault', {
            runId: current.runId,
            reason,
          });
          current.controller.abort(reason);
          // fire() awaits the same promise first, so by the time this resumes it has recorded the
          // run, cleared `current` and queued the notice.
          await current.done;
        }
        if (notices.size > 0) {
          const deadline = new AbortController();
          await Promise.race([
            Promise.allSettled([...notices]),
            clock.sleep(noticeDeadlineMs, deadline.signal),
          ]);
          deadline.abort();
        }
        clearInterval(watch);
        await recovering;
        await sweeping;
        electorLoop.abort();
        await electorDone;
        if (elector) {
          try {
            await elector.release();
            log('info', 'released the Lease', { identity: elector.identity });
          } catch (error) {
            log('warn', 'could not release the Lease (it expires by itself)', {
              error: (error as Error).message,
            });
          }
          metrics.leader(false);
        }
        log('info', 'schedule stopped', { reason });
        return { revertFailed: lastRevertFailed };
      })();
      return stopped;
    },
    isReady: () => started && !stopping.signal.aborted,
    isHealthy() {
      if (!elector) return true;
      const last = elector.lastTickAt();
      return last === undefined || clock.now() - last < 3 * leaseMs;
    },
  };
}
