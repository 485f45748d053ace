// Chaos Toolkit's rollbacks. One that undoes a fault of the method (delete_toxic, enable_proxy,
// uncordon_node, scaling back, a reset) is not needed: Faultline reverts every fault, whatever
// happens, and the import says so where the fault is. A process rollback running the same program
// as a process action of the method becomes that command fault's revert. The others stay
// rollbacks (an HTTP request or a program, which Faultline runs as a probe).
import type { PathSegment } from '../experiment/diagnostic.ts';
import { formatDuration } from '../experiment/duration.ts';
import { type ActivityCache, nameFor, resolveActivity } from './activities.ts';
import { buildProbe } from './build-probe.ts';
import { asList, asRecord, type Json } from './chaostoolkit-shape.ts';
import type { PlacedFault } from './map-method.ts';
import { describeProvider, mapProvider } from './map-provider.ts';
import type { MappedActivity } from './mapped-activity.ts';
import type { ConvertContext } from './provider-fields.ts';
import type { Note } from './reporter.ts';
import { recordingExpect } from './tolerance-to-expect.ts';

export type RollbackPlan = {
  probes: { probe: Record<string, unknown>; comments: string[]; path: PathSegment[] }[];
  notes: Note[];
};

type Entry = {
  located: { activity: Json; path: PathSegment[] };
  mapped: MappedActivity;
  index: number;
  written: Json;
};

// A process action of the method and a rollback running the same program, each the only one:
// the rollback is the action's revert.
function pairPrograms(entries: Entry[], faults: PlacedFault[]): Set<number> {
  const paired = new Set<number>();
  const byProgram = (program: string) =>
    faults.filter((fault) => fault.program === program && !fault.background);
  const rollbacks = entries.filter(
    (entry) => entry.written.ref === undefined && entry.mapped.as === 'probe' && entry.mapped.body.command,
  );
  for (const entry of rollbacks) {
    const program = String((entry.located.activity.provider as Json).path);
    const sameProgram = rollbacks.filter(
      (other) => String((other.located.activity.provider as Json).path) === program,
    );
    const [fault, ...others] = byProgram(program);
    if (!fault || others.length > 0 || sameProgram.length > 1 || entry.mapped.as !== 'probe') continue;
    const { run, timeout: revertTimeout } = entry.mapped.body.command as { run: string[]; timeout?: string };
    const inject = (fault.body.command as { run: string[] }).run;
    // One deadline for each program: the inject's own timeout, else the rollback's.
    const timeout = fault.maxSeconds === undefined ? revertTimeout : formatDuration(fault.maxSeconds * 1000);
    fault.body = { command: { inject, revert: run, ...(timeout ? { timeout } : {}) } };
    fault.maxSeconds = undefined;
    fault.comments = [
      `revert: the rollback ${JSON.stringify(entry.located.activity.name)}, which Faultline runs whenever this fault ends (Chaos Toolkit runs it after checking the hypothesis, and not after an interrupt)`,
    ];
    fault.undoneByRollback = true;
    paired.add(entry.index);
  }
  return paired;
}

function dropUndo(entry: Entry, faults: PlacedFault[], context: ConvertContext): boolean {
  const { mapped } = entry;
  const name = JSON.stringify(entry.located.activity.name ?? describeProvider(entry.located.activity));
  const undoes =
    mapped.as === 'undo'
      ? mapped.undoes
      : mapped.as === 'fault' && mapped.body.scale
        ? mapped.undoKeys
        : undefined;
  if (!undoes) return false;
  const undone = faults.filter((fault) => fault.undoKeys.some((key) => undoes.includes(key)));
  for (const fault of undone) fault.undoneByRollback = true;
  if (undone.length > 0) {
    const which = undone.map((fault) => fault.name).join(', ');
    const notes = [
      `the rollback ${name} (it undoes ${which}) is not needed: Faultline reverts every fault whatever happens, Ctrl-C and crashes included`,
    ];
    if (mapped.as === 'undo' && mapped.comment) notes.push(mapped.comment);
    if (mapped.as === 'fault') {
      notes.push(
        `Chaos Toolkit scales it to ${JSON.stringify((mapped.body.scale as Json).replicas)} replicas; Faultline restores the count it found before the fault`,
      );
    }
    for (const text of notes) context.reporter.note(['spec', 'faults'], text);
  }
  if (undone.length > 0) return true;
  if (mapped.as === 'undo' && mapped.undoes.includes('toxiproxy')) {
    context.reporter.warn(
      entry.located.path,
      'reset removes every toxic of the Toxiproxy in Chaos Toolkit; Faultline removes only its own, and this experiment adds none: left out',
    );
    return true;
  }
  context.reporter.error(
    ['rollbacks', entry.index],
    `${describeProvider(entry.located.activity)} undoes nothing the method did; Faultline never reverts what another run or person did`,
  );
  return true;
}

export function mapRollbacks(
  experiment: Json,
  cache: ActivityCache,
  faults: PlacedFault[],
  context: ConvertContext,
): RollbackPlan {
  const entries: Entry[] = [];
  asList(experiment.rollbacks).forEach((written, index) => {
    const located = resolveActivity(written, ['rollbacks', index], cache, context);
    if (located)
      entries.push({
        located,
        mapped: mapProvider(located.activity, located.path, context, false),
        index,
        written: asRecord(written) ?? {},
      });
  });
  const paired = pairPrograms(entries, faults);
  const strategy = String(asRecord(asRecord(experiment.runtime)?.rollbacks)?.strategy ?? 'default');
  const names = new Set<string>();
  const probes: RollbackPlan['probes'] = [];
  for (const entry of entries) {
    if (paired.has(entry.index) || dropUndo(entry, faults, context)) continue;
    const { mapped } = entry;
    const path: PathSegment[] = ['rollbacks', entry.index];
    if (mapped.as === 'unmapped') {
      if (mapped.reason) context.reporter.error(mapped.path ?? path, mapped.reason);
      continue;
    }
    const expectation = mapped.as === 'probe' ? recordingExpect(mapped.value) : undefined;
    if (mapped.as !== 'probe' || !expectation) {
      context.reporter.error(
        path,
        `${describeProvider(entry.located.activity)}: a Faultline rollback is an HTTP request or a program (run as a probe), and this is neither`,
      );
      continue;
    }
    const comments = [
      ...mapped.comments,
      'Chaos Toolkit judges no rollback; this expectation only records how it went',
    ];
    probes.push({
      probe: buildProbe(nameFor(entry.located.activity, 'rollback', names), mapped, expectation),
      comments,
      path,
    });
  }
  return { probes: strategy === 'never' ? [] : probes, notes: rollbackNotes(strategy, probes.length) };
}

function rollbackNotes(strategy: string, count: number): Note[] {
  if (count === 0) return [];
  const at = strategy === 'never' ? ['spec'] : ['spec', 'rollbacks'];
  const texts: Record<string, string> = {
    never: `Chaos Toolkit never runs this experiment's ${count} rollbacks (runtime.rollbacks.strategy: never); the import leaves them out`,
    default:
      'Chaos Toolkit skips these rollbacks after a failed or interrupted run; Faultline runs them after every ending',
    deviated:
      'Chaos Toolkit runs these rollbacks only when the run deviated; Faultline runs them after every ending',
    always: 'Faultline runs these rollbacks after every ending, as runtime.rollbacks.strategy: always asks',
  };
  return [
    { path: at, text: texts[strategy] ?? texts.default ?? '' },
    ...(strategy === 'never'
      ? []
      : [
          {
            path: at,
            text: 'they run after every fault is reverted and before the hypothesis is checked again (Chaos Toolkit: after that check)',
          },
        ]),
  ];
}
