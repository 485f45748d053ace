// A Chaos Toolkit experiment file in, the equivalent Faultline experiment out: the document, its
// YAML with comments where the meaning shifts, every problem at once as diagnostics placed in the
// Chaos Toolkit file, and a source map from the document back to that file (for `validate`,
// `plan` and `run` on a Chaos Toolkit file). Never throws on bad input.

import { describeValue } from '../experiment/describe-schema.ts';
import {
  type Diagnostic,
  formatPath,
  type Issue,
  type PathSegment,
  sortDiagnostics,
} from '../experiment/diagnostic.ts';
import type { SourceLocator } from '../experiment/source-positions.ts';
import { cacheActivities } from './activities.ts';
import { assembleExperiment } from './assemble-experiment.ts';
import { asRecord } from './chaostoolkit-shape.ts';
import { createVariableTable } from './chaostoolkit-variables.ts';
import { checkChaosToolkitKeys } from './check-chaostoolkit-keys.ts';
import { mapHypothesisProbes, readStrategy, type StrategyOptions } from './map-hypothesis.ts';
import { mapMethod } from './map-method.ts';
import { mapRollbacks } from './map-rollbacks.ts';
import { readChaosToolkitText } from './read-chaostoolkit-file.ts';
import { renderFaultlineYaml } from './render-faultline-yaml.ts';
import { createReporter, type Note } from './reporter.ts';
import { createSourceMap, type SourceMap } from './source-map.ts';

export type ImportOptions = StrategyOptions;

export type ChaosToolkitImport = {
  /** The Faultline experiment; undefined when there is an error. */
  document?: Record<string, unknown>;
  /** The document as YAML with its comments; undefined when there is an error. */
  yaml?: string;
  /** Every problem, placed in the Chaos Toolkit file. */
  diagnostics: Diagnostic[];
  /** Where the meaning shifts, placed in the Faultline document. */
  notes: Note[];
  sourceMap: SourceMap;
  /** The Chaos Toolkit experiment as parsed, before any substitution; undefined when it could not be. */
  source: unknown;
  /** Where a part of the Faultline document came from in the Chaos Toolkit file (undefined: made up by the import). */
  locate(faultlinePath: readonly PathSegment[]): { line: number; column: number; path: string } | undefined;
};

function toDiagnostics(issues: readonly Issue[], file: string, locator: SourceLocator): Diagnostic[] {
  return sortDiagnostics(
    issues.map((issue) => {
      const { line, column } =
        issue.offset === undefined
          ? locator.positionOf(issue.path, issue.at)
          : locator.positionAt(issue.offset);
      return {
        file,
        line,
        column,
        severity: issue.severity ?? 'error',
        path: formatPath(issue.path),
        message: issue.message,
      };
    }),
  );
}

const isUnder = (issue: Issue, root: string) => issue.severity !== 'warning' && issue.path[0] === root;

export function convertChaosToolkit(
  text: string,
  file: string,
  options: ImportOptions = {},
): ChaosToolkitImport {
  const read = readChaosToolkitText(text, file);
  const reporter = createReporter();
  reporter.issues.push(...read.issues);
  const sourceMap = createSourceMap();
  const locate = (faultlinePath: readonly PathSegment[]) => {
    const source = sourceMap.sourceOf(faultlinePath);
    return source && { ...read.locator.positionOf(source), path: formatPath(source) };
  };
  const finish = (document?: Record<string, unknown>, header: string[] = []): ChaosToolkitImport => {
    const diagnostics = toDiagnostics(reporter.issues, file, read.locator);
    const result = { diagnostics, notes: reporter.notes, sourceMap, locate, source: read.value };
    if (diagnostics.some((diagnostic) => diagnostic.severity === 'error') || !document) return result;
    return { ...result, document, yaml: renderFaultlineYaml(document, header, reporter.notes) };
  };
  if (read.value === undefined) return finish();
  const experiment = asRecord(read.value);
  if (!experiment) {
    reporter.error(
      [],
      `expected a Chaos Toolkit experiment (a mapping with title, method, ...), found ${describeValue(read.value)}`,
    );
    return finish();
  }
  for (const key of ['title', 'description'] as const) {
    if (typeof experiment[key] !== 'string' || experiment[key] === '') {
      reporter.error(
        key in experiment ? [key] : [],
        `an experiment needs a ${key} (Chaos Toolkit refuses it without)`,
      );
    }
  }
  checkChaosToolkitKeys(experiment, reporter);
  const context = { variables: createVariableTable(experiment, reporter), reporter };
  const cache = cacheActivities(experiment);
  const strategy = readStrategy(experiment, options, context);
  const method = mapMethod(experiment, cache, context);
  const probes = mapHypothesisProbes(experiment, cache, context);
  const rollbacks = mapRollbacks(experiment, cache, method.faults, context);
  if (method.faults.length === 0 && !reporter.issues.some((issue) => isUnder(issue, 'method'))) {
    reporter.error(
      'method' in experiment ? ['method'] : [],
      'no activity of the method maps to a Faultline fault, and a Faultline experiment needs one',
    );
  }
  if (probes.length === 0 && !reporter.issues.some((issue) => isUnder(issue, 'steady-state-hypothesis'))) {
    const where = 'steady-state-hypothesis' in experiment ? ['steady-state-hypothesis'] : [];
    reporter.error(where, 'Faultline needs a steady-state hypothesis with at least one probe');
  }
  const assembled = assembleExperiment({
    experiment,
    method,
    probes,
    rollbacks,
    strategy,
    options,
    context,
    sourceMap,
  });
  const unused = context.variables.unused();
  const header = [
    `Imported by faultline import from ${file}: the Chaos Toolkit experiment ${JSON.stringify(experiment.title)}.`,
    'The comments say where Faultline does something other than Chaos Toolkit would.',
    ...(unused.length > 0
      ? [`Not used by anything imported (extensions may read them): ${unused.join(', ')}.`]
      : []),
  ];
  return finish(assembled, header);
}
