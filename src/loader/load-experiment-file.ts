// What `run`, `plan` and `validate` read: a Faultline experiment, or a Chaos Toolkit experiment
// (recognised by its shape, whatever the file's name) imported on the way. Either way the result is
// the experiment layer's: the typed experiment, every problem as FILE:LINE:COL, the redactor. For a
// Chaos Toolkit file every problem points into that file, the one the user wrote: the import's
// own, and those Faultline finds in the imported document, placed through the import's source map.
// Never throws on bad input.
import { convertChaosToolkit, type ImportOptions } from '../chaostoolkit/convert-chaostoolkit.ts';
import { isChaosToolkitText } from '../chaostoolkit/recognise-chaostoolkit.ts';
import { sortDiagnostics } from '../experiment/diagnostic.ts';
import { isExperimentModule } from '../experiment/import-experiment-module.ts';
import {
  type LoadOptions,
  type LoadResult,
  loadExperiment,
  parseExperiment,
} from '../experiment/load-experiment.ts';
import { maxDocumentBytes, readSourceFile } from '../experiment/read-source-file.ts';

export type ExperimentFileOptions = Omit<LoadOptions, 'place'> & {
  /** How a Chaos Toolkit file's hypothesis is checked (chaos run's flags); unused for a Faultline file. */
  chaosToolkit?: ImportOptions;
};

export type LoadedExperimentFile = LoadResult & {
  /**
   * Present for a Chaos Toolkit file: how many places the meaning shifts (`faultline import` shows
   * them), and the experiment as parsed (for a journal in Chaos Toolkit's shape).
   */
  chaosToolkit?: { meaningShifts: number; experiment: unknown };
};

export async function loadExperimentFile(
  file: string,
  options: ExperimentFileOptions = {},
): Promise<LoadedExperimentFile> {
  const { chaosToolkit, ...loadOptions } = options;
  // A module, a file that cannot be read and a Faultline document are the experiment layer's.
  if (isExperimentModule(file)) return loadExperiment(file, loadOptions);
  const read = readSourceFile(file, maxDocumentBytes);
  if ('problem' in read || !isChaosToolkitText(read.text, file)) return loadExperiment(file, loadOptions);
  const imported = convertChaosToolkit(read.text, file, chaosToolkit);
  const chaosToolkitFile = { meaningShifts: imported.notes.length, experiment: imported.source };
  if (imported.yaml === undefined) {
    return {
      source: undefined,
      diagnostics: imported.diagnostics,
      redact: (text) => text,
      chaosToolkit: chaosToolkitFile,
    };
  }
  const loaded = parseExperiment(imported.yaml, file, { ...loadOptions, place: imported.locate });
  const diagnostics = sortDiagnostics([...imported.diagnostics, ...loaded.diagnostics]);
  return { ...loaded, diagnostics, chaosToolkit: chaosToolkitFile };
}
