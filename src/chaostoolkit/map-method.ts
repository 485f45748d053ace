// Chaos Toolkit's method, laid on Faultline's timeline. Activities run one after another and only
// pauses take known time, so an activity starts at the sum of the pauses before it (a background
// activity does not hold the next one back; the method ends when it is done). An action that maps
// to a fault starts there; it lasts until an action that undoes it (delete_toxic, enable_proxy,
// uncordon_node), or until the method ends. Probes become steps, sampled once at their time.
import type { PathSegment } from '../experiment/diagnostic.ts';
import { formatDuration } from '../experiment/duration.ts';
import { type ActivityCache, nameFor, readPauses, resolveActivity } from './activities.ts';
import { buildProbe } from './build-probe.ts';
import { asList, type Json } from './chaostoolkit-shape.ts';
import { describeProvider, mapProvider } from './map-provider.ts';
import type { MappedFault, MappedProbe, MappedProxySetup } from './mapped-activity.ts';
import type { ConvertContext } from './provider-fields.ts';
import { recordingExpect } from './tolerance-to-expect.ts';

export type PlacedFault = Omit<MappedFault, 'as'> & {
  name: string;
  startMs: number;
  /** When an undo in the method ends it. */
  endMs?: number;
  path: PathSegment[];
  background: boolean;
  /** The program of a process action, which a rollback running the same program may revert. */
  program?: string;
  /** A rollback undoes it (so Chaos Toolkit does not leave it behind). */
  undoneByRollback?: boolean;
};

export type PlacedStep = {
  probe: Record<string, unknown>;
  comments: string[];
  atMs: number;
  path: PathSegment[];
};

export type MethodPlan = { faults: PlacedFault[]; steps: PlacedStep[]; endMs: number };

type Setup = MappedProxySetup & { atMs: number; path: PathSegment[] };

const seconds = (ms: number) => formatDuration(ms);

// An undo in the method ends the faults it names that are still in place: one says so in its comment.
function endFaults(
  faults: PlacedFault[],
  undoes: string[],
  atMs: number,
  comment: string | undefined,
  context: ConvertContext,
): number {
  const open = faults.filter(
    (fault) =>
      fault.lasting && fault.endMs === undefined && fault.undoKeys.some((key) => undoes.includes(key)),
  );
  for (const fault of open) fault.endMs = atMs;
  if (comment && open.length === 1) open[0]?.comments.push(comment);
  if (comment && open.length > 1)
    context.reporter.note(['spec', 'faults'], `at ${seconds(atMs)}, ${comment}`);
  return open.length;
}

function programComment(fault: PlacedFault): string {
  return fault.background
    ? 'Chaos Toolkit runs this program in the background and waits for it at the end of the method; Faultline stops it (its process group) when the fault ends'
    : `Chaos Toolkit waits for this program to exit before the next activity; Faultline starts it at ${seconds(fault.startMs)} and goes on, and stops it (its process group) if it still runs when the fault ends`;
}

// create_proxy: the faults on that proxy create it (listen, upstream) and remove it on revert.
function applySetups(setups: Setup[], faults: PlacedFault[], context: ConvertContext): void {
  for (const setup of setups) {
    const users = faults.filter((fault) => {
      const target = (fault.body.toxiproxy ?? fault.body.partition) as Record<string, unknown> | undefined;
      return target?.proxy === setup.proxy && fault.startMs >= setup.atMs;
    });
    if (users.length === 0) {
      context.reporter.error(
        setup.path,
        `create_proxy ${setup.proxy}: no fault uses the proxy after it; Faultline creates a proxy only with a fault on it`,
      );
    }
    for (const fault of users) {
      const target = (fault.body.toxiproxy ?? fault.body.partition) as Record<string, unknown>;
      target.listen = setup.listen;
      target.upstream = setup.upstream;
      fault.undoKeys.push(`created:${setup.proxy}`);
    }
    if (users.length > 0) {
      context.reporter.note(
        ['spec', 'faults'],
        `Chaos Toolkit creates the proxy ${setup.proxy} at ${seconds(setup.atMs)} (create_proxy); Faultline creates it with each fault on it (listen, upstream), and removes it when that fault ends`,
      );
    }
  }
}

// A probe in the method is recorded, never judged, by Chaos Toolkit (a tolerance there is ignored).
function placeStep(mapped: MappedProbe, activity: Json, path: PathSegment[], context: ConvertContext) {
  const expectation = recordingExpect(mapped.value);
  if (!expectation) {
    const what = mapped.value.kind === 'opaque' ? mapped.value.what : 'a range of samples';
    context.reporter.error(
      path,
      `${describeProvider(activity)} records ${what} in the method; a Faultline step records one value it can judge`,
    );
    return undefined;
  }
  if ('tolerance' in activity) {
    context.reporter.warn(
      [...path, 'tolerance'],
      'Chaos Toolkit ignores a tolerance in the method; the step records how the probe went',
      'key',
    );
  }
  const comments = [
    ...mapped.comments,
    'Chaos Toolkit records this probe and judges nothing; the step records it too, and does not change the verdict',
  ];
  return { expectation, comments, path };
}

export function mapMethod(experiment: Json, cache: ActivityCache, context: ConvertContext): MethodPlan {
  const faults: PlacedFault[] = [];
  const steps: PlacedStep[] = [];
  const setups: Setup[] = [];
  const faultNames = new Set<string>();
  const stepNames = new Set<string>();
  let cursorMs = 0;
  let endMs = 0;
  asList(experiment.method).forEach((entry, index) => {
    const located = resolveActivity(entry, ['method', index], cache, context);
    if (!located) return;
    const { activity, path } = located;
    const pauses = readPauses(activity, path, context);
    const background = activity.background === true;
    const atMs = cursorMs + pauses.beforeMs;
    const mapped = mapProvider(activity, path, context, true);
    const place: PathSegment[] = ['method', index];
    if (mapped.as === 'fault') {
      const provider = activity.provider as Json;
      const fault: PlacedFault = {
        ...mapped,
        name: nameFor(activity, 'fault', faultNames),
        startMs: atMs,
        path: place,
        background,
      };
      if (mapped.body.command) {
        fault.program = String(provider.path);
        fault.comments.push(programComment(fault));
      }
      faults.push(fault);
    } else if (mapped.as === 'probe') {
      const step = placeStep(mapped, activity, place, context);
      if (step)
        steps.push({
          ...step,
          probe: buildProbe(nameFor(activity, 'step', stepNames), mapped, step.expectation),
          atMs,
        });
    } else if (mapped.as === 'undo') {
      const ended = endFaults(faults, mapped.undoes, atMs, mapped.comment, context);
      if (ended === 0 && mapped.undoes.includes('toxiproxy')) {
        context.reporter.warn(
          place,
          'reset removes every toxic of the Toxiproxy in Chaos Toolkit; Faultline removes only its own, and has none in place here: left out',
        );
      } else if (ended === 0) {
        context.reporter.error(
          place,
          `${describeProvider(activity)} undoes nothing this experiment did before it; Faultline never reverts what another run or person did`,
        );
      }
    } else if (mapped.as === 'proxy-setup') {
      setups.push({ ...mapped, atMs, path: place });
    } else if (mapped.reason) {
      context.reporter.error(mapped.path ?? place, mapped.reason);
    }
    if (background) endMs = Math.max(endMs, atMs + pauses.afterMs);
    else cursorMs = atMs + pauses.afterMs;
  });
  applySetups(setups, faults, context);
  return { faults, steps, endMs: Math.max(endMs, cursorMs) };
}
