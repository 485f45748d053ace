// One run to the end, as `faultline run` and the schedule daemon both do it: the report directory
// tried first (one that cannot be made stops the run before anything is touched), the engine, then
// the journal (redacted) and the reports rendered from it into reports/<run-id>/.
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from '../engine/journal.ts';
import {
  type RunOutcome,
  type RunRequest,
  runExperiment,
  UnexpectedRunError,
} from '../engine/run-experiment.ts';
import {
  type ChaosToolkitJournalContext,
  renderChaosToolkitJournal,
} from '../reporting/chaostoolkit-journal.ts';
import { type WrittenReports, writeReports } from '../reporting/write-reports.ts';
import type { Runtime } from '../runtime.ts';
import { reasonOf } from './reason-of.ts';
import { ReportDirectoryError } from './report-directory-error.ts';

export type ExecuteRunRequest = RunRequest & {
  /** reports/<run-id>: journal.json, report.md, report.html go here. */
  reportDir: string;
  /** Hides the experiment's secrets in everything written. */
  redact: (text: string) => string;
  junitFile?: string;
  /** `--ctk-journal`: also the journal in Chaos Toolkit's shape, written with the reports. */
  chaosToolkitJournal?: { file: string; context: ChaosToolkitJournalContext };
};

export type ExecutedRun = RunOutcome & {
  journalFile: string;
  /**
   * What broke the run unexpectedly, once every fault was reverted: no verdict to trust (the
   * journal is written all the same, and says what was done).
   */
  unexpected?: unknown;
  /** Why the journal could not be written (then there are no reports either); the run itself ended. */
  journalError?: unknown;
  /** Undefined when the reports could not be rendered (`reportError` says why; the journal is complete). */
  reports?: WrittenReports & { chaosToolkitJournal?: string };
  reportError?: string;
};

export async function executeRun(request: ExecuteRunRequest, runtime: Runtime): Promise<ExecutedRun> {
  // Tried now, made for good once the journal is ready: a run killed on the way leaves no empty one.
  try {
    mkdirSync(request.reportDir, { recursive: true });
    rmdirSync(request.reportDir);
  } catch (error) {
    throw new ReportDirectoryError(request.reportDir, error);
  }
  const outcome = await runToTheEnd(request, runtime);
  const journalFile = join(request.reportDir, 'journal.json');
  const journalText = request.redact(JSON.stringify(outcome.journal, null, 2));
  try {
    mkdirSync(request.reportDir, { recursive: true });
    writeFileSync(journalFile, journalText);
  } catch (error) {
    return { ...outcome, journalFile, journalError: error };
  }
  // The reports render from the journal as written (redacted); failing to render them loses no data.
  try {
    const written = JSON.parse(journalText) as Journal;
    const reports = writeReports(written, request.reportDir, { junitFile: request.junitFile });
    const chaosToolkit = request.chaosToolkitJournal;
    if (!chaosToolkit) return { ...outcome, journalFile, reports };
    const rendered = renderChaosToolkitJournal(written, chaosToolkit.context);
    writeFileSync(chaosToolkit.file, request.redact(JSON.stringify(rendered, null, 2)));
    return { ...outcome, journalFile, reports: { ...reports, chaosToolkitJournal: chaosToolkit.file } };
  } catch (error) {
    return { ...outcome, journalFile, reportError: reasonOf(error) };
  }
}

// The engine's run, an unexpected failure kept as `unexpected` beside the journal (never a verdict).
export async function runToTheEnd(
  request: RunRequest,
  runtime: Runtime,
): Promise<RunOutcome & { unexpected?: unknown }> {
  try {
    return await runExperiment(request, runtime);
  } catch (error) {
    if (!(error instanceof UnexpectedRunError)) throw error;
    const { journal } = error;
    const revertFailed = journal.ledger.leftBehind.length > 0;
    return { journal, verdict: 'error', revertFailed, rollbackFailed: false, unexpected: error.cause };
  }
}
