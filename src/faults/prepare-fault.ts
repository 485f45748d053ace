import type { FaultKind, FaultSpec } from '../experiment/schema.ts';
import type { FaultAction, FaultContext } from './fault-context.ts';
import { prepareNodeCordon } from './node-cordon.ts';
import { prepareNodeDrain } from './node-drain.ts';
import { preparePartition } from './partition-fault.ts';
import { preparePodKill } from './pod-kill.ts';
import { prepareToxic } from './toxic-fault.ts';

export function faultKindOf(fault: FaultSpec): FaultKind {
  if (fault.toxiproxy) return 'toxiproxy';
  if (fault.partition) return 'partition';
  if (fault.podKill) return 'podKill';
  if (fault.nodeDrain) return 'nodeDrain';
  if (fault.nodeCordon) return 'nodeCordon';
  throw new Error(`fault ${fault.name} has no kind`);
}

// What injecting a fault will do, target by target, each with its undo; nothing is changed yet.
// `round` counts the repeats of a fault that repeats (a podKill with `every`), from 0.
export async function prepareFault(
  fault: FaultSpec,
  context: FaultContext,
  round = 0,
): Promise<FaultAction[]> {
  const kind = faultKindOf(fault);
  switch (kind) {
    case 'toxiproxy':
      return prepareToxic(fault.name, fault.toxiproxy as NonNullable<FaultSpec['toxiproxy']>, context);
    case 'partition':
      return preparePartition(fault.name, fault.partition as NonNullable<FaultSpec['partition']>, context);
    case 'podKill':
      return preparePodKill(fault, context, round);
    case 'nodeDrain':
      return prepareNodeDrain(fault, context, round);
    case 'nodeCordon':
      return prepareNodeCordon(fault, context, round);
  }
}
