// The loaded experiments this process made, behind their public face (a look-alike object made
// elsewhere is not one: plan and run judge it as a document).
import type { Experiment } from '../experiment/experiment.ts';
import type { LoadedExperiment } from './public-types.ts';

/** What plan and run need beyond the public face: the normalised experiment and the document as written. */
export type Loaded = {
  experiment: Experiment;
  source: unknown;
  file: string;
  redact: (text: string) => string;
};

/** The label a document's diagnostics carry in place of a file name. */
export const documentLabel = '(document)';

const loadedExperiments = new WeakMap<LoadedExperiment, Loaded>();

export function rememberLoaded(face: LoadedExperiment, loaded: Loaded): void {
  loadedExperiments.set(face, loaded);
}

export function loadedOf(face: LoadedExperiment): Loaded | undefined {
  return loadedExperiments.get(face);
}
