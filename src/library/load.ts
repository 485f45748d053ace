// loadExperiment: a file (YAML, JSON or a module) or a document in, the same checks as `faultline
// validate`, a LoadedExperiment or the diagnostics out. Never throws on bad input.
import type { Experiment } from '../experiment/experiment.ts';
import {
  type LoadResult as InternalLoadResult,
  judgeDocument,
  loadExperiment as loadFile,
} from '../experiment/load-experiment.ts';
import type { ExperimentDocument } from './experiment-types.ts';
import { documentLabel, rememberLoaded } from './loaded-experiments.ts';
import type { Diagnostic, LoadedExperiment, LoadResult, VariableOptions } from './public-types.ts';

export async function loadExperiment(
  source: string | ExperimentDocument,
  options: VariableOptions = {},
): Promise<LoadResult> {
  const loadOptions = { vars: options.vars ?? {}, env: options.env ?? process.env, kinds: ['Experiment'] };
  const file = typeof source === 'string' ? source : documentLabel;
  const loaded =
    typeof source === 'string'
      ? await loadFile(source, loadOptions)
      : judgeDocument(source, documentLabel, loadOptions);
  const diagnostics: Diagnostic[] = loaded.diagnostics.map((diagnostic) => ({ ...diagnostic }));
  const experiment = loaded.experiment && publicFace(loaded, loaded.experiment, file);
  return experiment ? { experiment, diagnostics } : { diagnostics };
}

function publicFace(loaded: InternalLoadResult, experiment: Experiment, file: string): LoadedExperiment {
  const face: LoadedExperiment = Object.freeze({
    name: experiment.metadata.name,
    file,
    document: loaded.document as ExperimentDocument,
    redact: loaded.redact,
  });
  rememberLoaded(face, { experiment, source: loaded.source, file, redact: loaded.redact });
  return face;
}
