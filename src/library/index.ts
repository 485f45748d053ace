// The library: `import { defineExperiment, loadExperiment, planExperiment, runExperiment } from 'faultline'`.
// Bundled to dist/index.js, which holds only what is here: the loader, the engine and the clients
// are chunks beside it, read on the first call that needs them, so a module experiment that imports
// defineExperiment (and `faultline validate` of it) loads none of them. The declarations
// (dist/index.d.ts) name only the types written out in experiment-types.ts and public-types.ts.
import { type Diagnostic as EngineDiagnostic, formatDiagnostic as format } from '../experiment/diagnostic.ts';
import type { ExperimentDocument } from './experiment-types.ts';
import type {
  Diagnostic,
  ExperimentInput,
  LoadResult,
  PlanOptions,
  PlanResult,
  RunOptions,
  RunResult,
  VariableOptions,
} from './public-types.ts';

export { defineExperiment } from './define-experiment.ts';
export type * from './experiment-types.ts';
export { FaultlineError } from './library-error.ts';
export type * from './public-types.ts';

/**
 * Loads an experiment from a file (YAML, JSON, or a .ts/.mts/.js/.mjs module whose default export is
 * one) or from a document object, with the checks of `faultline validate`. Never throws on bad
 * input: `diagnostics` say what is wrong, and `experiment` is present only when nothing is.
 */
export async function loadExperiment(
  source: string | ExperimentDocument,
  options: VariableOptions = {},
): Promise<LoadResult> {
  const { loadExperiment: load } = await import('./load.ts');
  return load(source, options);
}

/**
 * What a run would hit, as `faultline plan` shows it; changes nothing. Throws a FaultlineError for
 * an invalid experiment (exit code 2) or a server that cannot be reached (6).
 */
export async function planExperiment(
  experiment: ExperimentInput,
  options: PlanOptions = {},
): Promise<PlanResult> {
  const { planExperiment: plan } = await import('./plan.ts');
  return plan(experiment, options);
}

/**
 * Runs an experiment to its verdict, as `faultline run` does: faults recorded in the ledger before
 * they are injected and reverted whatever happens. Resolves with the verdict and the journal;
 * throws a FaultlineError for invalid input (2), a failed environment (6), or a run that broke
 * unexpectedly after reverting what it could (6, or 5 when something is left behind).
 */
export async function runExperiment(
  experiment: ExperimentInput,
  options: RunOptions = {},
): Promise<RunResult> {
  const { runExperiment: run } = await import('./run.ts');
  return run(experiment, options);
}

/** `FILE:LINE:COL: error: spec.duration: ...`, as `faultline validate` prints it. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  return format(diagnostic satisfies EngineDiagnostic);
}
