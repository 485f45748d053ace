import { ExitCode } from '../exit-codes.ts';
import { formatDiagnostic } from '../experiment/diagnostic.ts';
import type { ExperimentDocument } from './experiment-types.ts';
import { FaultlineError } from './library-error.ts';
import { loadExperiment } from './load.ts';
import { type Loaded, loadedOf } from './loaded-experiments.ts';
import type { ExperimentInput, LoadedExperiment, VariableOptions } from './public-types.ts';

// For plan and run: a loaded experiment as it is; a file or a document loaded now, and a
// FaultlineError (exit code 2, with the diagnostics) when it is not valid.
export async function resolveExperiment(input: ExperimentInput, options: VariableOptions): Promise<Loaded> {
  const known = typeof input === 'object' ? loadedOf(input as LoadedExperiment) : undefined;
  if (known) return known;
  const result = await loadExperiment(input as string | ExperimentDocument, options);
  const loaded = result.experiment && loadedOf(result.experiment);
  if (loaded) return loaded;
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  throw new FaultlineError(
    ExitCode.invalidInput,
    `the experiment is not valid:\n${errors.map(formatDiagnostic).join('\n')}`,
    { diagnostics: result.diagnostics },
  );
}
