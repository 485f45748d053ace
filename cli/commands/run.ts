import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { exitCodeFor } from '../../src/engine/verdict.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, formatDiagnostic, sortDiagnostics } from '../../src/experiment/diagnostic.ts';
import { parseDuration, tryParseDuration } from '../../src/experiment/duration.ts';
import { loadExperiment } from '../../src/experiment/load-experiment.ts';
import { makeRunId } from '../../src/run-id.ts';
import { newSeed, parseSeed } from '../../src/selection/seeded-random.ts';
import { buildRuntime } from '../build-runtime.ts';
import { executeRun } from '../execute-run.ts';
import { collectVar } from '../parse-vars.ts';
import { createProgress } from '../progress.ts';

type RunFlags = {
  var?: Record<string, string>;
  seed?: number;
  reportDir: string;
  ledger?: string;
  kubeconfig?: string;
  context?: string;
  revertTimeout: string;
  junit?: string;
};

export function createRunCommand(): Command {
  return new Command('run')
    .description('run an experiment: steady state, faults, continuous probes, revert, verdict')
    .argument('<file>', 'the experiment (YAML or JSON)')
    .option('--var <KEY=VALUE>', 'set a variable (repeatable)', collectVar)
    .option('--seed <n>', 'the random seed for target selection (replays a run)', (v) => {
      const seed = parseSeed(v);
      if (seed === undefined)
        throw new InvalidArgumentError(`expected a non-negative integer, found ${JSON.stringify(v)}`);
      return seed;
    })
    .option('--report-dir <dir>', 'where reports/<run-id>/ goes', 'reports')
    .option(
      '--ledger <file>',
      'the fault ledger file (default $FAULTLINE_LEDGER or ~/.local/state/faultline/ledger.jsonl)',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default $KUBECONFIG, in-cluster, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--revert-timeout <duration>', 'how long to keep retrying a revert before giving up', '60s')
    .option(
      '--junit <file>',
      'also write a JUnit XML report (one test case per probe and per revert) to this file',
    )
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommandAction(file, flags);
    });
}

async function runCommandAction(file: string, flags: RunFlags): Promise<number> {
  const loaded = await loadExperiment(file, {
    vars: flags.var ?? {},
    env: process.env,
    unresolved: 'error',
    kinds: ['Experiment'],
  });
  for (const diagnostic of sortDiagnostics(loaded.diagnostics))
    console.error(loaded.redact(formatDiagnostic(diagnostic)));
  const { experiment } = loaded;
  if (!experiment || countBySeverity(loaded.diagnostics).errors > 0) return ExitCode.invalidInput;
  if (tryParseDuration(flags.revertTimeout) === undefined) {
    console.error(
      `--revert-timeout: expected a duration such as 30s or 2m, found ${JSON.stringify(flags.revertTimeout)}`,
    );
    return ExitCode.invalidInput;
  }
  const seed = flags.seed ?? newSeed();
  const runId = makeRunId(Date.now());
  const runtime = buildRuntime({ ...flags, userAgent: 'faultline (run)', seed });
  const reportDir = resolve(flags.reportDir, runId);
  const progress = createProgress(process.stderr, loaded.redact, parseDuration(experiment.spec.duration));
  const controller = new AbortController();
  const reverting = new Set<string>();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      console.error(`\nreceived ${signal}: stopping the run and reverting every fault`);
      controller.abort(`interrupted by ${signal}`);
    } else {
      const still = [...reverting];
      console.error(
        still.length === 0
          ? `received ${signal} again: finishing up (nothing is being reverted right now)`
          : `received ${signal} again: still reverting ${still.join(', ')}; waiting for it to finish so nothing is left behind`,
      );
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  console.error(`run ${runId} of ${experiment.metadata.name} (seed ${seed}); ledger ${runtime.ledger.file}`);
  try {
    const outcome = await executeRun(
      {
        experiment,
        experimentSource: experiment,
        experimentFile: resolve(file),
        runId,
        seed,
        revertTimeoutMs: parseDuration(flags.revertTimeout),
        signal: controller.signal,
        onEvent: (event, journal) => {
          if (event.type === 'reverting' && event.fault) reverting.add(event.fault);
          if ((event.type === 'reverted' || event.type === 'revert-failed') && event.fault)
            reverting.delete(event.fault);
          progress.event(event, journal);
        },
        onSample: (sample) => progress.sample(sample),
        reportDir,
        redact: loaded.redact,
        junitFile: flags.junit,
      },
      runtime,
    );
    progress.stop();
    const { journal, journalFile, reports } = outcome;
    if (outcome.reportError)
      console.error(`could not write the reports: ${outcome.reportError} (the journal is complete)`);
    console.log(`verdict: ${outcome.verdict} — ${loaded.redact(journal.reason ?? '')}`);
    for (const rollback of journal.failedRollbacks ?? [])
      console.log(
        loaded.redact(`ROLLBACK FAILED: ${rollback.probe} (${rollback.outcome}: ${rollback.detail})`),
      );
    if (outcome.revertFailed) {
      console.log('COULD NOT REVERT — these faults may still be in place:');
      for (const left of journal.ledger.leftBehind) console.log(`  - ${left.description} (${left.error})`);
      console.log(`run \`faultline recover --ledger ${runtime.ledger.file}\` once the servers answer again`);
    }
    console.log(`journal: ${journalFile}`);
    if (reports?.junit) console.log(`junit: ${reports.junit}`);
    if (reports) console.log(`report: ${reports.html}`);
    return exitCodeFor(outcome.verdict, outcome.revertFailed, outcome.rollbackFailed);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
