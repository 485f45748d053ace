// `faultline schedule FILE`: the game-day daemon (node-cron, windows and blackouts, Lease leader
// election, /metrics, /healthz, /readyz, a webhook per run end, graceful SIGTERM).
// `faultline schedule FILE --next N [--from TIME]`: the next N fires, windows and blackouts
// applied, in the schedule's time zone; then exits.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createLeaseClient } from '../../src/adapters/kubernetes-lease.ts';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, formatDiagnostic, sortDiagnostics } from '../../src/experiment/diagnostic.ts';
import { parseDuration } from '../../src/experiment/duration.ts';
import type { Schedule } from '../../src/experiment/schedule-schema.ts';
import { makeRunId } from '../../src/run-id.ts';
import { createCronSeries } from '../../src/schedule/cron-series.ts';
import { createDaemon, type Daemon } from '../../src/schedule/daemon.ts';
import { type ListenAddress, parseListenAddress, startDaemonHttp } from '../../src/schedule/daemon-http.ts';
import { createDaemonMetrics, type DaemonMetrics } from '../../src/schedule/daemon-metrics.ts';
import { createJsonLog, type Log, type LogLevel } from '../../src/schedule/json-log.ts';
import { createLeaseElector, type LeaseElector } from '../../src/schedule/lease-elector.ts';
import { type LoadedSchedule, loadSchedule } from '../../src/schedule/load-schedule.ts';
import { planFires } from '../../src/schedule/next-fires.ts';
import { createWebhookNotifier } from '../../src/schedule/notify-webhook.ts';
import { compileFireRules } from '../../src/schedule/windows.ts';
import { formatInZone } from '../../src/schedule/zoned-time.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { CommandError } from '../command-error.ts';
import { createDaemonRecovery } from '../daemon-recovery.ts';
import {
  type ClusterFlags,
  contextOption,
  kubeconfigOption,
  type LedgerFlags,
  ledgerOption,
  revertTimeoutOption,
} from '../options.ts';
import { createRunEntry } from '../run-scheduled-entry.ts';
import { onStopSignals } from '../stop-signals.ts';
import { createTerminal, escapeJsonControl } from '../terminal.ts';

type ScheduleFlags = ClusterFlags &
  LedgerFlags & {
    next?: number;
    from?: number;
    listen: ListenAddress;
    reportDir: string;
    /** Milliseconds. */
    revertTimeout: number;
    identity?: string;
    logLevel: LogLevel;
  };

const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function createScheduleCommand(context: CommandContext): Command {
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
    .addOption(
      new Option('--listen <host:port>', 'where /metrics, /healthz and /readyz answer')
        .argParser(readListenAddress)
        .default(readListenAddress('127.0.0.1:9464'), '127.0.0.1:9464'),
    )
    .option('--report-dir <dir>', 'where reports/<run-id>/ go', 'reports')
    .addOption(ledgerOption())
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(revertTimeoutOption())
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
      // Once the daemon stops, the entry ends the process: kept-alive sockets do not hold it.
      context.settle(
        flags.next === undefined
          ? await runDaemon(file, flags, context)
          : await printNextFires(file, flags, context),
      );
    });
}

function reportDiagnostics(loaded: LoadedSchedule, context: CliContext): boolean {
  const stderr = createTerminal(context.stderr, context.env, loaded.redact);
  for (const diagnostic of sortDiagnostics(loaded.diagnostics)) stderr.print(formatDiagnostic(diagnostic));
  return loaded.schedule !== undefined && countBySeverity(loaded.diagnostics).errors === 0;
}

async function printNextFires(file: string, flags: ScheduleFlags, context: CliContext): Promise<number> {
  const loaded = await loadSchedule(file, { env: context.env, unresolved: 'warning' });
  if (!reportDiagnostics(loaded, context) || !loaded.schedule) return ExitCode.invalidInput;
  const stdout = createTerminal(context.stdout, context.env, loaded.redact);
  const stderr = createTerminal(context.stderr, context.env, loaded.redact);
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
  stderr.print(
    `next fires of ${loaded.schedule.metadata.name} after ${formatInZone(from, timeZone)} (${timeZone})${jitter}${shortfall}`,
  );
  for (const fire of fires)
    stdout.print(`${formatInZone(fire.at, timeZone)}  ${fire.entry}  ${experimentOf.get(fire.entry)}`);
  return ExitCode.ok;
}

function defaultIdentity(env: CliContext['env']): string {
  return `${env.POD_NAME ?? hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

async function runDaemon(file: string, flags: ScheduleFlags, context: CommandContext): Promise<number> {
  const stderr = createTerminal(context.stderr, context.env);
  if (flags.from !== undefined) {
    stderr.print('--from goes with --next: the daemon fires from now');
    return ExitCode.invalidInput;
  }
  const loaded = await loadSchedule(file, { env: context.env, unresolved: 'error' });
  if (!reportDiagnostics(loaded, context) || !loaded.schedule) return ExitCode.invalidInput;
  context.hideSecrets(loaded.redact);
  const schedule: Schedule = loaded.schedule;
  const revertTimeoutMs = flags.revertTimeout;
  const log: Log = createJsonLog({
    write: (line) => context.stdout.write(escapeJsonControl(line)),
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
  const identity = flags.identity ?? defaultIdentity(context.env);
  const connection = { kubeconfig: flags.kubeconfig, context: flags.context, ledger: flags.ledger };
  const elector = createElector(schedule, { ...connection, identity, log });
  const runEntry = createRunEntry({
    announceInCluster: schedule.spec.lease !== undefined,
    experimentFiles,
    experimentNames,
    connection,
    revertTimeoutMs,
    reportDir: flags.reportDir,
    log,
    env: context.env,
  });
  const experiments = loaded.entries.flatMap((entry) => (entry.experiment ? [entry.experiment] : []));
  const recovery = createDaemonRecovery({
    schedule,
    experiments,
    connection,
    env: context.env,
    revertTimeoutMs,
    log,
  });
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
    recover: recovery.recover,
    sweep: recovery.recover,
    halted: recovery.halted,
    notify: createNotifier(schedule, metrics, log),
  });
  const http = await startHttp(flags.listen, metrics, daemon);
  log('info', 'listening', { url: urlOf(http.address) });
  daemon.start();
  return waitForStopSignal(context, { daemon, http, log });
}

// A webhook per run end, when the schedule names any.
function createNotifier(schedule: Schedule, metrics: DaemonMetrics, log: Log) {
  const urls = schedule.spec.notifications?.webhooks.map((webhook) => webhook.url) ?? [];
  if (urls.length === 0) return undefined;
  return createWebhookNotifier({ urls, clock: systemClock, log, onFailure: metrics.notificationFailed });
}

function readListenAddress(text: string): ListenAddress {
  const address = parseListenAddress(text);
  if (!address)
    throw new InvalidArgumentError(
      `expected HOST:PORT such as 127.0.0.1:9464, found ${JSON.stringify(text)}`,
    );
  return address;
}

const urlOf = ({ host, port }: ListenAddress) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

// /metrics, /healthz and /readyz; an address that cannot be listened on stops the daemon (exit 6).
async function startHttp(listen: ListenAddress, metrics: DaemonMetrics, daemon: Daemon) {
  try {
    return await startDaemonHttp({
      listen,
      metrics: async () => ({ contentType: metrics.contentType, body: await metrics.render() }),
      isHealthy: daemon.isHealthy,
      isReady: daemon.isReady,
    });
  } catch (error) {
    throw new CommandError(ExitCode.environmentError, `cannot listen on ${urlOf(listen)}`, { cause: error });
  }
}

// With a Lease in the schedule, this daemon runs only while it leads.
function createElector(
  schedule: Schedule,
  options: ClusterFlags & { identity: string; log: Log },
): LeaseElector | undefined {
  if (!schedule.spec.lease) return undefined;
  const { name, namespace } = schedule.spec.lease;
  const durationMs = parseDuration(schedule.spec.lease.duration ?? '15s');
  try {
    const client = createLeaseClient({ ...options, name, namespace, requestTimeoutMs: durationMs / 3 });
    return createLeaseElector({
      client,
      identity: options.identity,
      durationMs,
      clock: systemClock,
      log: (level, message) => options.log(level, message),
    });
  } catch (error) {
    throw new CommandError(ExitCode.environmentError, `cannot use the Lease ${namespace}/${name}`, {
      cause: error,
    });
  }
}

// The daemon runs until a stop signal: then its run is aborted and reverted, the Lease released,
// and the exit code says whether anything was left behind.
function waitForStopSignal(
  context: CliContext,
  running: { daemon: Daemon; http: { close(): Promise<void> }; log: Log },
): Promise<number> {
  const { daemon, http, log } = running;
  return new Promise<number>((done) => {
    const stopListening = onStopSignals(context.signals, {
      stop: (signal) => {
        log('info', `received ${signal}: stopping`);
        void daemon.stop(`interrupted by ${signal}`).then(async ({ revertFailed }) => {
          await http.close();
          stopListening();
          done(revertFailed ? ExitCode.revertFailed : ExitCode.ok);
        });
      },
      again: (signal) =>
        log('warn', `received ${signal} again: still stopping (reverting and releasing the Lease first)`),
    });
  });
}
