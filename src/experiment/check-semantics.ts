// Rules an experiment must follow that the schema cannot express: unique names, probe
// expectations that fit the probe kind (check-probes.ts), load streams and the probes naming them
// (check-load.ts), count or percent but not both, faults
// that fit inside the experiment's duration, and intervals above zero. Runs on values the schema
// may have rejected (so that every problem shows at once), so every access is guarded.
import { checkLoad } from './check-load.ts';
import { checkProbe } from './check-probes.ts';
import { describeValue, isPlainObject } from './describe-schema.ts';
import type { Issue, PathSegment } from './diagnostic.ts';
import { formatPath } from './diagnostic.ts';
import { formatDuration, tryParseDuration } from './duration.ts';
import { faultKinds } from './schema.ts';

function listAt(parent: unknown, key: string): unknown[] {
  return isPlainObject(parent) && Array.isArray(parent[key]) ? parent[key] : [];
}

function durationAt(parent: unknown, key: string): number | undefined {
  return isPlainObject(parent) && typeof parent[key] === 'string' ? tryParseDuration(parent[key]) : undefined;
}

function checkUniqueNames(items: unknown[], path: PathSegment[]): Issue[] {
  const firstIndex = new Map<string, number>();
  const issues: Issue[] = [];
  items.forEach((item, index) => {
    if (!isPlainObject(item) || typeof item.name !== 'string') return;
    const first = firstIndex.get(item.name);
    if (first === undefined) {
      firstIndex.set(item.name, index);
      return;
    }
    const found = JSON.stringify(item.name);
    issues.push({
      path: [...path, index, 'name'],
      message: `duplicate name ${found}; ${formatPath([...path, first])} already has it`,
      expected: 'a name not used by another entry of the list',
      found,
    });
  });
  return issues;
}

function checkAboveZero(parent: unknown, key: string, path: PathSegment[]): Issue[] {
  if (durationAt(parent, key) !== 0) return [];
  const found = describeValue((parent as Record<string, unknown>)[key]);
  return [
    {
      path: [...path, key],
      message: `expected a duration above 0, found ${found}`,
      expected: 'a duration above 0',
      found,
    },
  ];
}

function checkCountOrPercent(target: unknown, path: PathSegment[]): Issue[] {
  if (!isPlainObject(target) || !Object.hasOwn(target, 'count') || !Object.hasOwn(target, 'percent'))
    return [];
  return [
    {
      path: [...path, 'percent'],
      at: 'key',
      message: 'give either count or percent, not both',
      found: 'both',
    },
  ];
}

// A fault must start, and end, within spec.duration.
function checkTimeline(
  fault: Record<string, unknown>,
  path: PathSegment[],
  spec: Record<string, unknown>,
): Issue[] {
  const total = durationAt(spec, 'duration');
  if (total === undefined) return [];
  const start = Object.hasOwn(fault, 'start') ? durationAt(fault, 'start') : 0;
  const length = durationAt(fault, 'duration');
  const limit = `after the experiment ends (spec.duration ${spec.duration})`;
  if (start !== undefined && start > total) {
    return [{ path: [...path, 'start'], message: `the fault starts at ${fault.start}, ${limit}` }];
  }
  if (start !== undefined && length !== undefined && start + length > total) {
    const end = formatDuration(start + length);
    const parts = `start ${fault.start ?? '0s'} + duration ${fault.duration}`;
    return [{ path: [...path, 'duration'], message: `the fault ends at ${end} (${parts}), ${limit}` }];
  }
  return [];
}

// A command fault is a program that runs (`run`), or a pair: `inject` and the `revert` that undoes it.
function checkCommandPair(command: unknown, path: PathSegment[]): Issue[] {
  if (!isPlainObject(command)) return [];
  if (command.inject !== undefined && command.revert === undefined)
    return [
      { path: [...path, 'inject'], at: 'key', message: 'inject needs a revert: the program that undoes it' },
    ];
  if (command.run !== undefined && command.revert !== undefined)
    return [
      {
        path: [...path, 'revert'],
        at: 'key',
        message: 'revert goes with inject; a `run` program is stopped at the revert',
      },
    ];
  return [];
}

function checkFault(fault: unknown, path: PathSegment[], spec: Record<string, unknown>): Issue[] {
  if (!isPlainObject(fault)) return [];
  const issues = checkTimeline(fault, path, spec);
  for (const kind of faultKinds) issues.push(...checkCountOrPercent(fault[kind], [...path, kind]));
  issues.push(...checkAboveZero(fault.podKill, 'every', [...path, 'podKill']));
  issues.push(...checkCommandPair(fault.command, [...path, 'command']));
  return issues;
}

export function checkSemantics(document: unknown): Issue[] {
  if (!isPlainObject(document) || !isPlainObject(document.spec)) return [];
  const spec = document.spec;
  const issues: Issue[] = [];
  const probeLists: [unknown[], PathSegment[]][] = [
    [listAt(spec.hypothesis, 'probes'), ['spec', 'hypothesis', 'probes']],
    [listAt(spec, 'abortWhen'), ['spec', 'abortWhen']],
    [listAt(spec, 'rollbacks'), ['spec', 'rollbacks']],
    [listAt(spec, 'steps'), ['spec', 'steps']],
  ];
  for (const [probes, path] of probeLists) {
    issues.push(...checkUniqueNames(probes, path));
    issues.push(...probes.flatMap((probe, index) => checkProbe(probe, [...path, index])));
  }
  issues.push(
    ...checkAboveZero(isPlainObject(spec.hypothesis) ? spec.hypothesis.during : undefined, 'every', [
      'spec',
      'hypothesis',
      'during',
    ]),
  );

  const total = durationAt(spec, 'duration');
  listAt(spec, 'steps').forEach((step, index) => {
    const at = isPlainObject(step) ? durationAt(step, 'at') : undefined;
    if (total !== undefined && at !== undefined && at >= total) {
      issues.push({
        path: ['spec', 'steps', index, 'at'],
        message: `the step is at ${(step as Record<string, unknown>).at}, not before the experiment ends (spec.duration ${spec.duration})`,
      });
    }
  });

  issues.push(...checkUniqueNames(listAt(spec, 'load'), ['spec', 'load']), ...checkLoad(spec));
  const faults = listAt(spec, 'faults');
  issues.push(...checkUniqueNames(faults, ['spec', 'faults']));
  issues.push(...faults.flatMap((fault, index) => checkFault(fault, ['spec', 'faults', index], spec)));
  return issues;
}
