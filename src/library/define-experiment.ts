import type { ExperimentDocument } from './experiment-types.ts';

/**
 * An experiment written in TypeScript or JavaScript: returns the document unchanged, typed, so an
 * editor completes and checks its fields. `export default defineExperiment({...})` makes a module
 * that `faultline run` and loadExperiment() take like a YAML file, judged by the same schema.
 */
export function defineExperiment(document: ExperimentDocument): ExperimentDocument {
  return document;
}
