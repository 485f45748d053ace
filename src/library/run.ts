// runExperiment: one run to its verdict, as `faultline run` does it (the same ledger, recovery,
// safety limits, reverts and journal), with reports only when asked for. A run that ends returns,
// whatever its verdict; invalid input, a failed environment or a run that broke unexpectedly
// throws a FaultlineError (the faults reverted first). Installs no signal handler: pass `signal`.
import { resolve } from 'node:path';
import type { Journal as EngineJournal } from '../engine/journal.ts';
import type { RunOutcome, RunRequest } from '../engine/run-experiment.ts';
import { exitCodeFor } from '../engine/verdict.ts';
import { ExitCode } from '../exit-codes.ts';
import { LedgerError } from '../ledger/ledger-error.ts';
import { makeRunId } from '../run-id.ts';
import { buildRuntime } from '../runner/build-runtime.ts';
import { type ExecutedRun, executeRun, runToTheEnd } from '../runner/execute-run.ts';
import { reasonOf } from '../runner/reason-of.ts';
import { ReportDirectoryError } from '../runner/report-directory-error.ts';
import type { Runtime } from '../runtime.ts';
import { newSeed } from '../selection/seeded-random.ts';
import { FaultlineError } from './library-error.ts';
import { documentLabel, type Loaded } from './loaded-experiments.ts';
import type { ExperimentInput, Journal, RunOptions, RunResult } from './public-types.ts';
import { resolveExperiment } from './resolve-experiment.ts';

/** The user agent of the library's requests in the API server's audit log. */
const userAgent = 'faultline (library run)';

export async function runExperiment(
  experiment: ExperimentInput,
  options: RunOptions = {},
): Promise<RunResult> {
  const loaded = await resolveExperiment(experiment, options);
  const seed = options.seed ?? newSeed();
  const runId = makeRunId(Date.now());
  const runtime = openRuntime(options, seed);
  const request: RunRequest = {
    experiment: loaded.experiment,
    experimentSource: loaded.source,
    experimentFile: loaded.file === documentLabel ? documentLabel : resolve(loaded.file),
    runId,
    seed,
    ...(options.revertTimeoutMs === undefined ? {} : { revertTimeoutMs: options.revertTimeoutMs }),
    ...(options.signal ? { signal: options.signal } : {}),
    onEvent: (event) => options.onEvent?.({ ...event, message: loaded.redact(event.message) }),
    onSample: (sample) => options.onSample?.({ ...sample, detail: loaded.redact(sample.detail) }),
  };
  const executed: Executed = options.reportDir
    ? await runWithReports(request, runtime, loaded, options.reportDir, options.junitFile)
    : await runToTheEnd(request, runtime);
  const journal = redacted(executed.journal, loaded);
  const exitCode = exitCodeFor(executed.verdict, executed.revertFailed, executed.rollbackFailed);
  const failure = (what: string, cause: unknown) =>
    new FaultlineError(
      executed.revertFailed ? ExitCode.revertFailed : ExitCode.environmentError,
      loaded.redact(`${what}: ${reasonOf(cause)}`),
      { cause, journal },
    );
  if (executed.journalError !== undefined)
    throw failure(`could not write the journal ${executed.journalFile}`, executed.journalError);
  // An unexpected failure is never reported as a verdict.
  if (executed.unexpected !== undefined)
    throw failure('the run failed unexpectedly, after reverting what it could', executed.unexpected);
  return {
    runId,
    seed,
    verdict: executed.verdict,
    reason: journal.reason ?? '',
    exitCode,
    journal,
    leftBehind: journal.ledger.leftBehind,
    rollbackFailed: executed.rollbackFailed,
    ...(executed.reports && executed.journalFile
      ? { reports: { journal: executed.journalFile, ...executed.reports } }
      : {}),
    ...(executed.reportError === undefined ? {} : { reportError: executed.reportError }),
  };
}

type Executed = RunOutcome &
  Partial<Pick<ExecutedRun, 'journalFile' | 'journalError' | 'unexpected' | 'reports' | 'reportError'>>;

// The ledger is opened now: one that cannot be used stops the run before anything is touched.
function openRuntime(options: RunOptions, seed: number): Runtime {
  try {
    return buildRuntime({
      kubeconfig: options.kubeconfig,
      context: options.context,
      ledger: options.ledger,
      env: options.env ?? process.env,
      userAgent,
      seed,
    });
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    throw new FaultlineError(ExitCode.environmentError, reasonOf(error), { cause: error });
  }
}

async function runWithReports(
  request: RunRequest,
  runtime: Runtime,
  loaded: Loaded,
  reportDir: string,
  junitFile: string | undefined,
): Promise<Executed> {
  try {
    return await executeRun(
      { ...request, reportDir: resolve(reportDir, request.runId), redact: loaded.redact, junitFile },
      runtime,
    );
  } catch (error) {
    if (!(error instanceof ReportDirectoryError)) throw error;
    throw new FaultlineError(error.exitCode, error.message, { cause: error });
  }
}

// Hides the experiment's secrets in the journal handed back, as in the journal file.
function redacted(journal: EngineJournal, loaded: Loaded): Journal {
  return JSON.parse(loaded.redact(JSON.stringify(journal))) as Journal;
}
