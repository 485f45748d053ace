// The library: `import { defineExperiment, loadExperiment, planExperiment, runExperiment } from 'faultline'`.
// Bundled to dist/index.js; its declarations, dist/index.d.ts and the files beside it, name only the
// types written out in experiment-types.ts and public-types.ts (scripts/build.ts checks that).
export { defineExperiment } from './define-experiment.ts';
export type * from './experiment-types.ts';
export { FaultlineError } from './library-error.ts';
export { formatDiagnostic, loadExperiment } from './load.ts';
export { planExperiment } from './plan.ts';
export type * from './public-types.ts';
export { runExperiment } from './run.ts';
