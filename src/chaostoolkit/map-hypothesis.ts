// The steady-state hypothesis: its probes with their tolerances, and how often Faultline checks it
// during the method, from Chaos Toolkit's hypothesis strategy (runtime.hypothesis.strategy in the
// file, or --hypothesis-strategy), --hypothesis-frequency and --fail-fast.
import type { PathSegment } from '../experiment/diagnostic.ts';
import { formatDuration } from '../experiment/duration.ts';
import { type ActivityCache, nameFor, readPauses, resolveActivity } from './activities.ts';
import { buildProbe } from './build-probe.ts';
import { asList, asRecord, type Json } from './chaostoolkit-shape.ts';
import { mapProvider } from './map-provider.ts';
import type { ConvertContext } from './provider-fields.ts';
import type { Note } from './reporter.ts';
import { mapTolerance } from './tolerance-to-expect.ts';

export type StrategyOptions = { strategy?: string; frequencySeconds?: number; failFast?: boolean };

export const strategies = [
  'default',
  'before-method-only',
  'after-method-only',
  'during-method-only',
  'continuously',
  'skip',
];

export type HypothesisPlan = {
  probes: { probe: Record<string, unknown>; comments: string[]; path: PathSegment[] }[];
  strategy: string;
};

export function mapHypothesisProbes(
  experiment: Json,
  cache: ActivityCache,
  context: ConvertContext,
): HypothesisPlan['probes'] {
  const base: PathSegment[] = ['steady-state-hypothesis', 'probes'];
  const names = new Set<string>();
  const probes: HypothesisPlan['probes'] = [];
  const hypothesis = asRecord(experiment['steady-state-hypothesis']);
  asList(hypothesis?.probes).forEach((entry, index) => {
    const path = [...base, index];
    const located = resolveActivity(entry, path, cache, context);
    if (!located) return;
    const written = asRecord(entry) ?? {};
    if (!('tolerance' in written)) {
      context.reporter.error(path, 'a hypothesis probe needs a tolerance (Chaos Toolkit refuses it without)');
      return;
    }
    const mapped = mapProvider(located.activity, located.path, context, false);
    if (mapped.as === 'unmapped') {
      if (mapped.reason) context.reporter.error(mapped.path ?? path, mapped.reason);
      return;
    }
    if (mapped.as !== 'probe') {
      context.reporter.error(
        path,
        'this action changes the system each time the hypothesis is checked; a Faultline probe changes nothing',
      );
      return;
    }
    const expectation = mapTolerance(written.tolerance, [...path, 'tolerance'], mapped.value, context);
    if (!expectation) return;
    const comments = [...mapped.comments];
    const pauses = readPauses(located.activity, located.path, context);
    if (pauses.beforeMs + pauses.afterMs > 0) {
      comments.push(
        `Chaos Toolkit pauses ${formatDuration(pauses.beforeMs)} before and ${formatDuration(pauses.afterMs)} after this probe each time it checks the hypothesis; Faultline does not`,
      );
    }
    probes.push({
      probe: buildProbe(nameFor(located.activity, 'probe', names), mapped, expectation),
      comments,
      path,
    });
  });
  return probes;
}

export function readStrategy(experiment: Json, options: StrategyOptions, context: ConvertContext): string {
  const hypothesis = asRecord(asRecord(experiment.runtime)?.hypothesis);
  for (const key of ['frequency', 'fail_fast', 'fail-fast']) {
    if (hypothesis && key in hypothesis) {
      const flag = key === 'frequency' ? '--hypothesis-frequency' : '--fail-fast';
      context.reporter.warn(
        ['runtime', 'hypothesis', key],
        `Chaos Toolkit reads this only from its command line (${flag}); give ${flag} to faultline import`,
        'key',
      );
    }
  }
  const written = options.strategy ?? hypothesis?.strategy ?? 'default';
  const strategy = written === 'continously' ? 'continuously' : String(written);
  if (!strategies.includes(strategy)) {
    const where: PathSegment[] = options.strategy ? [] : ['runtime', 'hypothesis', 'strategy'];
    context.reporter.error(
      where,
      `unknown hypothesis strategy ${JSON.stringify(written)} (Chaos Toolkit knows ${strategies.join(', ')})`,
    );
  }
  return strategy;
}

// The strategies under which Chaos Toolkit checks the hypothesis after the method, faults in place.
export function withCheckAfter(strategy: string): boolean {
  return ['default', 'continuously', 'after-method-only'].includes(strategy);
}

// `hypothesis.during`, and the comments that say how Faultline's checks differ. Chaos Toolkit's
// check after the method sees the faults still in place (its rollbacks come later); Faultline
// reverts first, so that check becomes one sample where the method's pauses end (the method lasts
// on until the sample is done, the faults in place). A strategy that never fails during the
// method gets a failAfter above the number of checks the method takes: recorded, never deviating.
export function mapDuring(
  strategy: string,
  options: StrategyOptions,
  pausesMs: number,
  totalMs: number,
): { during: { every: string; failAfter: number }; notes: Note[] } {
  const notes: Note[] = [];
  const note = (text: string) => notes.push({ path: ['spec', 'hypothesis'], text });
  const observe = (everyMs: number) => ({
    every: formatDuration(everyMs),
    failAfter: Math.ceil(totalMs / everyMs) + 1,
  });
  const onlyDuring =
    'Chaos Toolkit checks it only during the method (during-method-only); Faultline also checks it before (nothing is injected unless it holds) and after';
  const everyMs = Math.round((options.frequencySeconds ?? 1) * 1000);
  const checkAfter = `Chaos Toolkit checks it after the method with the faults still in place: here at ${formatDuration(pausesMs)}, where the pauses end, and the method lasts until ${formatDuration(totalMs)} so that the check can finish; Faultline checks it again after reverting every fault`;
  if ((strategy === 'continuously' || strategy === 'during-method-only') && options.failFast) {
    note(
      '--fail-fast: the first failed check during the method deviates the run, and Faultline reverts every fault at once (Chaos Toolkit lets the method go on)',
    );
    note(strategy === 'during-method-only' ? onlyDuring : checkAfter);
    return { during: { every: formatDuration(everyMs), failAfter: 1 }, notes };
  }
  if (strategy === 'during-method-only') {
    note(
      'Chaos Toolkit without --fail-fast records the checks during the method and fails on none; a failAfter above the number of checks does the same',
    );
    note(onlyDuring);
    return { during: observe(everyMs), notes };
  }
  if (strategy === 'before-method-only' || strategy === 'skip') {
    note(
      strategy === 'skip'
        ? 'Chaos Toolkit would not check the hypothesis at all (skip); Faultline checks it before, records it during the method without failing on it, and checks it after'
        : 'Chaos Toolkit checks it only before the method (before-method-only); Faultline records it during the method without failing on it, and checks it after',
    );
    return { during: observe(Math.max(1000, totalMs / 10)), notes };
  }
  if (strategy === 'continuously') {
    note(
      `Chaos Toolkit without --fail-fast also records a check every ${formatDuration(everyMs)} during the method, failing on none; its verdict comes from the check after the method`,
    );
  }
  if (strategy === 'after-method-only') {
    note(
      'Chaos Toolkit does not check it before the method (after-method-only); Faultline injects nothing unless it holds first',
    );
  }
  note(checkAfter);
  return { during: { every: formatDuration(pausesMs), failAfter: 1 }, notes };
}
