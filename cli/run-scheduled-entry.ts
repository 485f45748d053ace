// One fire of a schedule entry, as the game-day daemon runs it: the experiment loaded again (its
// file may have changed since the daemon started), run to the end with the journal holding it as
// written. Whatever fails comes back as the verdict `error`, said through the experiment's redactor.
import { resolve } from 'node:path';
import { formatDiagnostic, sortDiagnostics } from '../src/experiment/diagnostic.ts';
import { loadExperiment } from '../src/experiment/load-experiment.ts';
import { buildRuntime } from '../src/runner/build-runtime.ts';
import { type ExecutedRun, executeRun } from '../src/runner/execute-run.ts';
import type { EntryRun, RunEntry } from '../src/schedule/daemon.ts';
import type { Log } from '../src/schedule/json-log.ts';
import { newSeed } from '../src/selection/seeded-random.ts';
import type { CliContext } from './cli-context.ts';
import { reasonOf } from './command-error.ts';
import type { ClusterFlags, LedgerFlags } from './options.ts';

export type EntrySettings = {
  experimentFiles: ReadonlyMap<string, string>;
  experimentNames: Readonly<Record<string, string>>;
  connection: ClusterFlags & LedgerFlags;
  revertTimeoutMs: number;
  reportDir: string;
  log: Log;
  env: CliContext['env'];
  /** Runs keep a Lease in the daemon's cluster even without Kubernetes faults (a schedule with a Lease). */
  announceInCluster: boolean;
};

export function createRunEntry(settings: EntrySettings): RunEntry {
  const { experimentNames, log } = settings;
  return async (entry, { runId, signal }) => {
    const experimentFile = settings.experimentFiles.get(entry.name) ?? resolve(entry.experiment);
    const loaded = await loadExperiment(experimentFile, {
      vars: entry.vars ?? {},
      env: settings.env,
      unresolved: 'error',
      kinds: ['Experiment'],
    });
    const { experiment, redact } = loaded;
    const failed = (reason: string): EntryRun => ({
      experiment: experiment?.metadata.name ?? experimentNames[entry.name] ?? entry.name,
      verdict: 'error',
      reason: redact(reason),
      revertFailed: false,
    });
    if (!experiment) {
      const [first] = sortDiagnostics(loaded.diagnostics);
      return failed(`cannot load the experiment: ${first ? formatDiagnostic(first) : 'it is not valid'}`);
    }
    const seed = newSeed();
    let executed: ExecutedRun;
    try {
      const runtime = {
        ...buildRuntime({
          ...settings.connection,
          env: settings.env,
          seed,
          userAgent: 'faultline (schedule)',
        }),
        announceInCluster: settings.announceInCluster,
      };
      executed = await executeRun(
        {
          experiment,
          experimentSource: loaded.source,
          experimentFile,
          runId,
          seed,
          revertTimeoutMs: settings.revertTimeoutMs,
          signal,
          reportDir: resolve(settings.reportDir, runId),
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
    } catch (error) {
      return failed(`the run failed: ${reasonOf(error)}`);
    }
    return entryRunOf(executed, { experiment: experiment.metadata.name, runId, redact, log });
  };
}

// What the daemon records of a run that ended: its verdict, or why there is none to trust.
function entryRunOf(
  executed: ExecutedRun,
  about: { experiment: string; runId: string; redact: (text: string) => string; log: Log },
): EntryRun {
  const { redact } = about;
  const reason = redact(executed.journal.reason ?? '');
  const run = {
    experiment: about.experiment,
    verdict: executed.verdict,
    reason,
    // A failed rollback, like a failed revert, may leave something behind (exit 5).
    revertFailed: executed.revertFailed || executed.rollbackFailed,
    journal: executed.journal,
  };
  if (executed.unexpected !== undefined) {
    const why = `the run failed unexpectedly: ${reasonOf(executed.unexpected)}`;
    return { ...run, verdict: 'error', reason: redact(why), report: executed.journalFile };
  }
  if (executed.journalError !== undefined) {
    // The run ended, but without its journal it is not a verdict to trust.
    const why = `could not write the journal ${executed.journalFile}: ${reasonOf(executed.journalError)} (the run ended ${executed.verdict}: ${reason})`;
    return { ...run, verdict: 'error', reason: redact(why) };
  }
  if (executed.reportError)
    about.log('warn', 'could not write the reports (the journal is complete)', {
      runId: about.runId,
      error: redact(executed.reportError),
    });
  return { ...run, report: executed.reports?.html ?? executed.journalFile };
}
