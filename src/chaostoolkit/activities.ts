// What the three mappings share about activities: `ref` (looked up by name among the method's
// activities and the hypothesis's probes, the later one winning, as chaoslib.caching does; the
// entry's own keys besides ref are ignored), `pauses` (seconds, or a whole `${name}`), and
// Faultline names made from activity names.

import { describeValue } from '../experiment/describe-schema.ts';
import type { PathSegment } from '../experiment/diagnostic.ts';
import { asList, asRecord, type Json } from './chaostoolkit-shape.ts';
import { resolveValue, wholeReferenceName } from './chaostoolkit-template.ts';
import type { ConvertContext } from './provider-fields.ts';

export type Located = { activity: Json; path: PathSegment[] };

export type ActivityCache = ReadonlyMap<string, Located>;

export function cacheActivities(experiment: Json): ActivityCache {
  const cache = new Map<string, Located>();
  const hypothesis = asRecord(experiment['steady-state-hypothesis']);
  const lists: [unknown[], PathSegment[]][] = [
    [asList(experiment.method), ['method']],
    [asList(hypothesis?.probes), ['steady-state-hypothesis', 'probes']],
  ];
  for (const [list, path] of lists) {
    list.forEach((item, index) => {
      const activity = asRecord(item);
      if (activity && typeof activity.name === 'string')
        cache.set(activity.name, { activity, path: [...path, index] });
    });
  }
  return cache;
}

// The activity an entry stands for: itself, or the one its `ref` names.
export function resolveActivity(
  entry: unknown,
  path: PathSegment[],
  cache: ActivityCache,
  context: ConvertContext,
): Located | undefined {
  const activity = asRecord(entry);
  if (!activity) {
    context.reporter.error(path, `expected an activity (a mapping), found ${describeValue(entry)}`);
    return undefined;
  }
  if (activity.ref === undefined) return { activity, path };
  if (typeof activity.ref !== 'string' || activity.ref === '') {
    context.reporter.error([...path, 'ref'], 'ref must name an activity (Chaos Toolkit refuses it too)');
    return undefined;
  }
  const found = cache.get(activity.ref);
  if (!found || asRecord(found.activity)?.ref !== undefined) {
    context.reporter.error(
      [...path, 'ref'],
      `no activity named ${JSON.stringify(activity.ref)} in the method or the hypothesis`,
    );
    return undefined;
  }
  const ignored = Object.keys(activity).filter((key) => !['ref', 'type', 'tolerance'].includes(key));
  for (const key of ignored) {
    context.reporter.warn(
      [...path, key],
      `Chaos Toolkit ignores ${key} beside ref: the referenced activity runs as it is`,
      'key',
    );
  }
  return found;
}

export type Pauses = { beforeMs: number; afterMs: number };

function pauseMs(value: unknown, path: PathSegment[], context: ConvertContext): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string' && wholeReferenceName(value) === undefined) {
    context.reporter.error(
      path,
      `a pause is a number of seconds or a whole \${name}, found ${describeValue(value)} (Chaos Toolkit refuses it too)`,
    );
    return 0;
  }
  const resolved = resolveValue(value, context.variables);
  if (resolved.unknown.length > 0) {
    context.reporter.error(
      path,
      `the import must know how long the pause is, but ${resolved.unknown.join('; ')}`,
    );
    return 0;
  }
  const seconds = typeof resolved.value === 'string' ? Number(resolved.value) : resolved.value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    context.reporter.error(path, `a pause is a number of seconds, found ${describeValue(resolved.value)}`);
    return 0;
  }
  return Math.round(seconds * 1000);
}

export function readPauses(activity: Json, path: PathSegment[], context: ConvertContext): Pauses {
  if (!('pauses' in activity)) return { beforeMs: 0, afterMs: 0 };
  const pauses = activity.pauses;
  if (pauses === null) {
    context.reporter.warn(
      [...path, 'pauses'],
      'pauses is empty (null): Chaos Toolkit 1.44 stops the method here with an AttributeError; the import reads it as no pause',
      'key',
    );
    return { beforeMs: 0, afterMs: 0 };
  }
  const record = asRecord(pauses);
  if (!record) {
    context.reporter.error(
      [...path, 'pauses'],
      `pauses must be a mapping with before and after, found ${describeValue(pauses)}`,
    );
    return { beforeMs: 0, afterMs: 0 };
  }
  return {
    beforeMs: pauseMs(record.before, [...path, 'pauses', 'before'], context),
    afterMs: pauseMs(record.after, [...path, 'pauses', 'after'], context),
  };
}

// A DNS-1123 label made from an activity's name (cut at a dash when too long), unique among `taken`.
export function nameFor(activity: Json, fallback: string, taken: Set<string>): string {
  const written = typeof activity.name === 'string' ? activity.name : fallback;
  let base = written
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (base.length > 60) {
    const cut = base.lastIndexOf('-', 60);
    base = base.slice(0, cut >= 20 ? cut : 60).replace(/-+$/, '');
  }
  base ||= fallback;
  let name = base;
  for (let suffix = 2; taken.has(name); suffix += 1) name = `${base}-${suffix}`;
  taken.add(name);
  return name;
}
