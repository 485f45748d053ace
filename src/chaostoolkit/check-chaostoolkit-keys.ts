// Keys Chaos Toolkit silently ignores (a misspelt `pause:`, an unknown field) and `controls`,
// which Faultline does not run: warnings at their positions, every one at once.
import type { PathSegment } from '../experiment/diagnostic.ts';
import { didYouMean } from '../experiment/did-you-mean.ts';
import {
  activityKeys,
  asList,
  asRecord,
  experimentKeys,
  hypothesisKeys,
  type Json,
  pausesKeys,
  providerKeysByType,
  runtimeKeys,
} from './chaostoolkit-shape.ts';
import type { Reporter } from './reporter.ts';

function checkKeys(
  value: unknown,
  path: PathSegment[],
  known: readonly string[],
  what: string,
  reporter: Reporter,
): void {
  const record = asRecord(value);
  if (!record) return;
  for (const key of Object.keys(record).filter((key) => !known.includes(key))) {
    const suggestion = didYouMean(key, known);
    const hint = suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : '';
    reporter.warn(
      [...path, key],
      `unknown key ${JSON.stringify(key)} in ${what}: Chaos Toolkit ignores it, and so does the import${hint}`,
      'key',
    );
  }
}

function checkControls(value: unknown, path: PathSegment[], reporter: Reporter): void {
  const record = asRecord(value);
  if (!record || !('controls' in record)) return;
  const modules = asList(record.controls)
    .map((control) => asRecord(asRecord(control)?.provider)?.module)
    .filter((module): module is string => typeof module === 'string');
  const which = modules.length > 0 ? ` (${[...new Set(modules)].join(', ')})` : '';
  reporter.warn(
    [...path, 'controls'],
    `controls are ignored: Faultline runs no Chaos Toolkit controls${which}`,
    'key',
  );
}

function checkActivity(value: unknown, path: PathSegment[], reporter: Reporter): void {
  const activity = asRecord(value);
  if (!activity) return;
  checkKeys(activity, path, activityKeys, 'an activity', reporter);
  checkControls(activity, path, reporter);
  checkKeys(activity.pauses, [...path, 'pauses'], pausesKeys, 'pauses', reporter);
  const provider = asRecord(activity.provider);
  const known = providerKeysByType[String(provider?.type)];
  if (known)
    checkKeys(
      provider,
      [...path, 'provider'],
      known,
      `${provider?.type === 'http' ? 'an' : 'a'} ${String(provider?.type)} provider`,
      reporter,
    );
}

export function checkChaosToolkitKeys(experiment: Json, reporter: Reporter): void {
  checkKeys(experiment, [], experimentKeys, 'the experiment', reporter);
  checkControls(experiment, [], reporter);
  const hypothesis = asRecord(experiment['steady-state-hypothesis']);
  checkKeys(hypothesis, ['steady-state-hypothesis'], hypothesisKeys, 'the steady-state hypothesis', reporter);
  checkControls(hypothesis, ['steady-state-hypothesis'], reporter);
  for (const [index, probe] of asList(hypothesis?.probes).entries()) {
    checkActivity(probe, ['steady-state-hypothesis', 'probes', index], reporter);
  }
  for (const list of ['method', 'rollbacks'] as const) {
    for (const [index, activity] of asList(experiment[list]).entries())
      checkActivity(activity, [list, index], reporter);
  }
  const runtime = asRecord(experiment.runtime);
  checkKeys(runtime, ['runtime'], runtimeKeys, 'runtime', reporter);
  checkKeys(
    asRecord(runtime?.hypothesis),
    ['runtime', 'hypothesis'],
    ['strategy', 'frequency', 'fail_fast', 'fail-fast'],
    'runtime.hypothesis',
    reporter,
  );
  checkKeys(
    asRecord(runtime?.rollbacks),
    ['runtime', 'rollbacks'],
    ['strategy'],
    'runtime.rollbacks',
    reporter,
  );
  if (experiment.dry !== undefined)
    reporter.warn(['dry'], 'dry is ignored: the import writes an experiment that runs', 'key');
}
