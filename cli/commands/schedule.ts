// `faultline schedule FILE`: the game-day daemon (node-cron, windows and blackouts, Lease leader
// election, /metrics, /healthz, /readyz, a webhook per run end, graceful SIGTERM).
// `faultline schedule FILE --next N [--from TIME]`: the next N fires, windows and blackouts
// applied, in the schedule's time zone; then exits.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createLeaseClient } from '../../src/adapters/kubernetes-lease.ts';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, formatDiagnostic, sortDiagnostics } from '../../src/experiment/diagnostic.ts';
import { parseDuration, tryParseDuration } from '../../src/experiment/duration.ts';
import { loadExperiment } from '../../src/experiment/load-experiment.ts';
import type { Schedule } from '../../src/experiment/schedule-schema.ts';
import { recoveryScopeOf } from '../../src/faults/fault-drivers.ts';
import { recoverFaults } from '../../src/ledger/recover.ts';
import { makeRunId } from '../../src/run-id.ts';
import { createCronSeries } from '../../src/schedule/cron-series.ts';
import { createDaemon, type RunEntry } from '../../src/schedule/daemon.ts';
import { parseListenAddress, startDaemonHttp } from '../../src/schedule/daemon-http.ts';
import { createDaemonMetrics } from '../../src/schedule/daemon-metrics.ts';
import { createJsonLog, type Log, type LogLevel } from '../../src/schedule/json-log.ts';
import { createLeaseElector } from '../../src/schedule/lease-elector.ts';
import { type LoadedSchedule, loadSchedule } from '../../src/schedule/load-schedule.ts';
import { planFires } from '../../src/schedule/next-fires.ts';
import { createWebhookNotifier } from '../../src/schedule/notify-webhook.ts';
import { compileFireRules } from '../../src/schedule/windows.ts';
import { formatInZone } from '../../src/schedule/zoned-time.ts';
import { newSeed } from '../../src/selection/seeded-random.ts';
import { buildRuntime } from '../build-runtime.ts';
import { executeRun } from '../execute-run.ts';

type ScheduleFlags = {
  next?: number;
  from?: number;
  listen: string;
  reportDir: string;
  ledger?: string;
  kubeconfig?: string;
  context?: string;
  revertTimeout: string;
  identity?: string;
  logLevel: LogLevel;
};

const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function createScheduleCommand(): Command {
  return new Command('schedule')
    .description(
      'run a game-day schedule as a daemon (cron in a time zone, windows, blackouts, jitter, one runner among replicas through a Kubernetes Lease, /metrics, /healthz, /readyz), or print its next fires',
    )
    .argument('<file>', 'the schedule (kind: Schedule, YAML or JSON)')
    .option('--next <n>', 'print the next N fire times (windows and blackouts applied) and exit', (v) => {
      if (!/^[1-9][0-9]{0,3}$/.test(v)) throw new InvalidArgumentError(`expected 1 to 9999, found ${v}`);
      return Number(v);
    })
    .option('--from <time>', 'with --next: count from this ISO 8601 time instead of now', (v) => {
      const at = /\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : Number.NaN;
      if (Number.isNaN(at))
        throw new InvalidArgumentError(
          `expected an ISO 8601 time with an offset, e.g. 2026-03-27T09:00:00+01:00`,
        );
      return at;
    })
    .option('--listen <host:port>', 'where /metrics, /healthz and /readyz answer', '127.0.0.1:9464')
    .option('--report-dir <dir>', 'where reports/<run-id>/ go', 'reports')
    .option(
      '--ledger <file>',
      'the fault ledger file (default $FAULTLINE_LEDGER or ~/.local/state/faultline/ledger.jsonl)',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default $KUBECONFIG, in-cluster, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--revert-timeout <duration>', 'how long to keep retrying a revert before giving up', '60s')
    .option(
      '--identity <name>',
      'this daemon in the Lease (default: the host name, process id and a random suffix)',
    )
    .option(
      '--log-level <level>',
      `${logLevels.join(', ')}`,
      (v) => {
        if (!logLevels.includes(v as LogLevel))
          throw new InvalidArgumentError(`expected one of ${logLevels.join(', ')}`);
        return v as LogLevel;
      },
      'info',
    )
    .action(async (file: string, flags: ScheduleFlags) => {
      if (flags.next !== undefined) {
        process.exitCode = await printNextFires(file, flags);
        return;
      }
      // Once stopped, nothing of the daemon is left to wait for (kept-alive sockets included).
      process.exit(await runDaemon(file, flags));
    });
}

function reportDiagnostics(loaded: LoadedSchedule): boolean {
  for (const diagnostic of sortDiagnostics(loaded.diagnostics))
    console.error(loaded.redact(formatDiagnostic(diagnostic)));
  return loaded.schedule !== undefined && countBySeverity(loaded.diagnostics).errors === 0;
}

async function printNextFires(file: string, flags: ScheduleFlags): Promise<number> {
  const loaded = await loadSchedule(file, { env: process.env, unresolved: 'warning' });
  if (!reportDiagnostics(loaded) || !loaded.schedule) return ExitCode.invalidInput;
  const { spec } = loaded.schedule;
  const timeZone = spec.timezone ?? 'UTC';
  const from = flags.from ?? Date.now();
  const entries = spec.entries.map((entry) => ({
    name: entry.name,
    series: createCronSeries(entry.cron, timeZone),
  }));
  const count = flags.next ?? 1;
  const fires = planFires(entries, compileFireRules(spec), from, count);
  for (const entry of entries) entry.series.dispose();
  const experimentOf = new Map(spec.entries.map((entry) => [entry.name, entry.experiment]));
  const jitter = spec.jitter ? `; each starts up to ${spec.jitter} later (jitter)` : '';
  const shortfall = fires.length < count ? `; only ${fires.length} within the next two years` : '';
  console.error(
    `next fires of ${loaded.schedule.metadata.name} after ${formatInZone(from, timeZone)} (${timeZone})${jitter}${shortfall}`,
  );
  for (const fire of fires)
    console.log(`${formatInZone(fire.at, timeZone)}  ${fire.entry}  ${experimentOf.get(fire.entry)}`);
  return ExitCode.held;
}

function defaultIdentity(): string {
  return `${process.env.POD_NAME ?? hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

async function runDaemon(file: string, flags: ScheduleFlags): Promise<number> {
  if (flags.from !== undefined) {
    console.error('--from goes with --next: the daemon fires from now');
    return ExitCode.invalidInput;
  }
  const loaded = await loadSchedule(file, { env: process.env, unresolved: 'error' });
  if (!reportDiagnostics(loaded) || !loaded.schedule) return ExitCode.invalidInput;
  const schedule: Schedule = loaded.schedule;
  const listen = parseListenAddress(flags.listen);
  const revertTimeoutMs = tryParseDuration(flags.revertTimeout);
  if (!listen || revertTimeoutMs === undefined) {
    console.error(
      listen
        ? `--revert-timeout: expected a duration such as 30s or 2m, found ${JSON.stringify(flags.revertTimeout)}`
        : `--listen: expected HOST:PORT such as 127.0.0.1:9464, found ${JSON.stringify(flags.listen)}`,
    );
    return ExitCode.invalidInput;
  }
  const log: Log = createJsonLog({
    write: (line) => process.stdout.write(line),
    redact: loaded.redact,
    level: flags.logLevel,
  });
  const experimentFiles = new Map(loaded.entries.map((entry) => [entry.name, entry.file]));
  const experimentNames = Object.fromEntries(
    loaded.entries.map((entry) => [entry.name, entry.experiment?.metadata.name ?? entry.name]),
  );
  const metrics = createDaemonMetrics({
    schedule: schedule.metadata.name,
    entries: schedule.spec.entries.map((entry) => ({
      name: entry.name,
      experiment: experimentNames[entry.name] ?? '',
    })),
  });
  const identity = flags.identity ?? defaultIdentity();
  const connection = { kubeconfig: flags.kubeconfig, context: flags.context, ledger: flags.ledger };
  let elector: ReturnType<typeof createLeaseElector> | undefined;
  if (schedule.spec.lease) {
    const { name, namespace } = schedule.spec.lease;
    const durationMs = parseDuration(schedule.spec.lease.duration ?? '15s');
    try {
      const client = createLeaseClient({ ...connection, name, namespace, requestTimeoutMs: durationMs / 3 });
      elector = createLeaseElector({
        client,
        identity,
        durationMs,
        clock: systemClock,
        log: (level, message) => log(level, message),
      });
    } catch (error) {
      console.error(`cannot use the Lease ${namespace}/${name}: ${(error as Error).message}`);
      return ExitCode.environmentError;
    }
  }
  const runEntry: RunEntry = async (entry, { runId, signal }) => {
    const experimentFile = experimentFiles.get(entry.name) ?? resolve(entry.experiment);
    const experimentLoaded = await loadExperiment(experimentFile, {
      vars: entry.vars ?? {},
      env: process.env,
      unresolved: 'error',
      kinds: ['Experiment'],
    });
    const { experiment, redact } = experimentLoaded;
    if (!experiment) {
      const [first] = sortDiagnostics(experimentLoaded.diagnostics);
      const problem = first ? redact(formatDiagnostic(first)) : 'it is not valid';
      return {
        experiment: experimentNames[entry.name] ?? entry.name,
        verdict: 'error',
        reason: `cannot load the experiment: ${problem}`,
        revertFailed: false,
      };
    }
    const seed = newSeed();
    const runtime = buildRuntime({ ...connection, seed, userAgent: 'faultline (schedule)' });
    const executed = await executeRun(
      {
        experiment,
        experimentSource: experiment,
        experimentFile,
        runId,
        seed,
        revertTimeoutMs,
        signal,
        reportDir: resolve(flags.reportDir, runId),
        redact,
        onEvent: (event) =>
          log(event.type.endsWith('failed') ? 'warn' : 'info', redact(event.message), {
            runId,
            phase: event.phase,
            event: event.type,
          }),
      },
      runtime,
    );
    if (executed.reportError)
      log('warn', 'could not write the reports (the journal is complete)', {
        runId,
        error: executed.reportError,
      });
    return {
      experiment: experiment.metadata.name,
      verdict: executed.verdict,
      reason: redact(executed.journal.reason ?? ''),
      // A failed rollback, like a failed revert, may leave something behind (exit 5).
      revertFailed: executed.revertFailed || executed.rollbackFailed,
      report: executed.reports?.html ?? executed.journalFile,
      journal: executed.journal,
    };
  };
  const experiments = loaded.entries.flatMap((entry) => (entry.experiment ? [entry.experiment] : []));
  const faults = experiments.flatMap((experiment) => experiment.spec.faults);
  const recover = async () => {
    const runtime = buildRuntime({ ...connection, seed: 0, userAgent: 'faultline (schedule)' });
    const result = await recoverFaults({
      ledger: runtime.ledger,
      context: { ...runtime, clock: systemClock },
      scope: recoveryScopeOf(faults),
      timeoutMs: revertTimeoutMs,
    });
    for (const item of result.items)
      log(item.ok ? 'info' : 'error', `recovered: ${item.description}`, {
        ok: item.ok,
        source: item.source,
        detail: item.detail,
      });
    for (const problem of result.scanErrors) log('warn', problem);
  };
  const webhooks = schedule.spec.notifications?.webhooks.map((webhook) => webhook.url) ?? [];
  const daemon = createDaemon({
    schedule,
    experimentNames,
    runEntry,
    newRunId: () => makeRunId(Date.now()),
    metrics,
    log,
    clock: systemClock,
    elector,
    runner: identity,
    recover,
    notify:
      webhooks.length > 0
        ? createWebhookNotifier({
            urls: webhooks,
            clock: systemClock,
            log,
            onFailure: metrics.notificationFailed,
          })
        : undefined,
  });
  let http: Awaited<ReturnType<typeof startDaemonHttp>>;
  try {
    http = await startDaemonHttp({
      listen,
      metrics: async () => ({ contentType: metrics.contentType, body: await metrics.render() }),
      isHealthy: daemon.isHealthy,
      isReady: daemon.isReady,
    });
  } catch (error) {
    console.error(`cannot listen on ${flags.listen}: ${(error as Error).message}`);
    return ExitCode.environmentError;
  }
  log('info', 'listening', {
    url: `http://${http.address.host.includes(':') ? `[${http.address.host}]` : http.address.host}:${http.address.port}`,
  });
  daemon.start();
  return new Promise<number>((done) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        log('warn', `received ${signal} again: still stopping (reverting and releasing the Lease first)`);
        return;
      }
      log('info', `received ${signal}: stopping`);
      void daemon.stop(`interrupted by ${signal}`).then(async ({ revertFailed }) => {
        await http.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        done(revertFailed ? ExitCode.revertFailed : ExitCode.held);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
