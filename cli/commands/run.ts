// `faultline run FILE`: one experiment to its verdict, with live progress on stderr and the
// verdict, what is left behind (if anything) and the journal's path on stdout. The exit code is
// the verdict's; a journal that cannot be written is an environment error (6).
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { exitCodeFor } from '../../src/engine/verdict.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, formatDiagnostic, sortDiagnostics } from '../../src/experiment/diagnostic.ts';
import { parseDuration } from '../../src/experiment/duration.ts';
import { loadExperimentFile } from '../../src/loader/load-experiment-file.ts';
import { makeRunId } from '../../src/run-id.ts';
import { buildRuntime } from '../../src/runner/build-runtime.ts';
import type { ExecutedRun } from '../../src/runner/execute-run.ts';
import { newSeed } from '../../src/selection/seeded-random.ts';
import {
  type ChaosToolkitFlags,
  chaosToolkitImportOptions,
  chaosToolkitJournalRequest,
  chaosToolkitNote,
  chaosToolkitOptions,
} from '../chaos-toolkit-flags.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { CommandError } from '../command-error.ts';
import {
  type ClusterFlags,
  contextOption,
  kubeconfigOption,
  type LedgerFlags,
  ledgerOption,
  readDuration,
  revertTimeoutOption,
  seedOption,
  type VarFlags,
  varOption,
} from '../options.ts';
import { createProgress } from '../progress.ts';
import { executeGuardedRun } from '../run-guard.ts';
import { onStopSignals } from '../stop-signals.ts';
import { createTerminal } from '../terminal.ts';

type RunFlags = ClusterFlags &
  LedgerFlags &
  ChaosToolkitFlags &
  VarFlags & {
    seed?: number;
    reportDir: string;
    /** Milliseconds. */
    revertTimeout: number;
    junit?: string;
    /** Milliseconds. */
    waitClear?: number;
    ctkJournal?: string;
  };

export function createRunCommand(context: CommandContext): Command {
  const command = new Command('run')
    .description('run an experiment: steady state, faults, continuous probes, revert, verdict')
    .argument('<file>', 'the experiment (YAML, JSON, or a .ts/.mts/.js/.mjs module exporting one)')
    .addOption(varOption())
    .addOption(seedOption())
    .option('--report-dir <dir>', 'where reports/<run-id>/ goes', 'reports')
    .addOption(ledgerOption())
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(revertTimeoutOption())
    .option(
      '--junit <file>',
      'also write a JUnit XML report (one test case per probe and per revert) to this file',
    )
    .option(
      '--ctk-journal <file>',
      "Chaos Toolkit file: also write the journal in Chaos Toolkit's shape (status, deviated, steady_states, run, rollbacks) to this file",
    )
    .addOption(
      new Option(
        '--wait-clear <duration>',
        'when a live run targets the same proxies, pods, nodes or workloads: wait up to this long for it to end (default: not-started at once)',
      ).argParser(readDuration),
    );
  for (const option of chaosToolkitOptions()) command.addOption(option);
  return command.action(async (file: string, flags: RunFlags, self: Command) => {
    context.settle(await runExperimentFile(file, flags, context, self.parent?.version() ?? 'unknown'));
  });
}

async function runExperimentFile(
  file: string,
  flags: RunFlags,
  context: CommandContext,
  version: string,
): Promise<number> {
  const loaded = await loadExperimentFile(file, {
    vars: flags.var ?? {},
    env: context.env,
    unresolved: 'error',
    kinds: ['Experiment'],
    chaosToolkit: chaosToolkitImportOptions(flags),
  });
  context.hideSecrets(loaded.redact);
  const stderr = createTerminal(context.stderr, context.env, loaded.redact);
  for (const diagnostic of sortDiagnostics(loaded.diagnostics)) stderr.print(formatDiagnostic(diagnostic));
  const { experiment } = loaded;
  if (!experiment || countBySeverity(loaded.diagnostics).errors > 0) return ExitCode.invalidInput;
  const chaosToolkitJournal = chaosToolkitJournalRequest(flags.ctkJournal, loaded, version);
  if (typeof chaosToolkitJournal === 'string') {
    stderr.print(`${file}: error: ${chaosToolkitJournal}`);
    return ExitCode.invalidInput;
  }
  if (loaded.chaosToolkit) stderr.print(`${file}: ${chaosToolkitNote(file, loaded)}`);
  const seed = flags.seed ?? newSeed();
  const runId = makeRunId(Date.now());
  const runtime = buildRuntime({ ...flags, env: context.env, userAgent: 'faultline (run)', seed });
  const progress = createProgress(stderr, loaded.redact, parseDuration(experiment.spec.duration));
  const controller = new AbortController();
  const reverting = new Set<string>();
  const stopListening = onStopSignals(context.signals, {
    stop: (signal) => {
      stderr.print(`\nreceived ${signal}: stopping the run and reverting every fault`);
      controller.abort(`interrupted by ${signal}`);
    },
    again: (signal) =>
      stderr.print(
        reverting.size === 0
          ? `received ${signal} again: finishing up (nothing is being reverted right now)`
          : `received ${signal} again: still reverting ${[...reverting].join(', ')}; waiting for it to finish so nothing is left behind`,
      ),
  });
  stderr.print(`run ${runId} of ${experiment.metadata.name} (seed ${seed}); ledger ${runtime.ledger.file}`);
  let executed: ExecutedRun;
  try {
    executed = await executeGuardedRun(
      {
        experiment,
        // The journal keeps the experiment as written: `${NAME}`, never a secret's value.
        experimentSource: loaded.source,
        experimentFile: resolve(file),
        runId,
        seed,
        revertTimeoutMs: flags.revertTimeout,
        ...(flags.waitClear === undefined ? {} : { waitClearMs: flags.waitClear }),
        signal: controller.signal,
        onEvent: (event, journal) => {
          if (event.type === 'reverting' && event.fault) reverting.add(event.fault);
          if ((event.type === 'reverted' || event.type === 'revert-failed') && event.fault)
            reverting.delete(event.fault);
          progress.event(event, journal);
        },
        onSample: (sample) => progress.sample(sample),
        reportDir: resolve(flags.reportDir, runId),
        redact: loaded.redact,
        junitFile: flags.junit,
        chaosToolkitJournal,
      },
      runtime,
      { ...flags, env: context.env, stderr: context.stderr },
    );
  } finally {
    progress.stop();
    stopListening();
  }
  return printOutcome(executed, runtime.ledger.file, context, loaded.redact);
}

// The verdict, what is left behind (if anything), and where the journal and reports are.
function printOutcome(
  executed: ExecutedRun,
  ledgerFile: string,
  context: CliContext,
  redact: (text: string) => string,
): number {
  const stdout = createTerminal(context.stdout, context.env, redact);
  const stderr = createTerminal(context.stderr, context.env, redact);
  const { journal } = executed;
  if (executed.reportError)
    stderr.print(`could not write the reports: ${executed.reportError} (the journal is complete)`);
  // An unexpected failure is never reported as a verdict.
  if (executed.unexpected === undefined)
    stdout.print(`verdict: ${executed.verdict} — ${journal.reason ?? ''}`);
  for (const rollback of journal.failedRollbacks ?? [])
    stdout.print(`ROLLBACK FAILED: ${rollback.probe} (${rollback.outcome}: ${rollback.detail})`);
  if (executed.revertFailed) {
    stdout.print('COULD NOT REVERT — these faults may still be in place:');
    for (const left of journal.ledger.leftBehind) stdout.print(`  - ${left.description} (${left.error})`);
    stdout.print(`run \`faultline recover --ledger ${ledgerFile}\` once the servers answer again`);
  }
  const failure = failureOf(executed);
  if (failure) throw failure;
  stdout.print(`journal: ${executed.journalFile}`);
  if (executed.reports?.junit) stdout.print(`junit: ${executed.reports.junit}`);
  if (executed.reports?.chaosToolkitJournal)
    stdout.print(`chaos toolkit journal: ${executed.reports.chaosToolkitJournal}`);
  if (executed.reports) stdout.print(`report: ${executed.reports.html}`);
  return exitCodeFor(executed.verdict, executed.revertFailed, executed.rollbackFailed);
}

// Whatever the verdict, a run without its journal, or one that broke, is an environment error;
// unless something is left behind, which the output says and which matters more.
function failureOf(executed: ExecutedRun): CommandError | undefined {
  const exitCode = executed.revertFailed ? ExitCode.revertFailed : ExitCode.environmentError;
  if (executed.journalError !== undefined)
    return new CommandError(exitCode, `could not write the journal ${executed.journalFile}`, {
      cause: executed.journalError,
    });
  if (executed.unexpected !== undefined)
    return new CommandError(
      exitCode,
      `the run failed unexpectedly, after reverting what it could (journal: ${executed.journalFile})`,
      { cause: executed.unexpected },
    );
  return undefined;
}
