import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import type { Clock } from '../engine/clock.ts';
import type { UndoRecord } from './undo-record.ts';

export type FaultContext = {
  runId: string;
  clock: Clock;
  toxiproxy: (url: string) => ToxiproxyAdapter;
  kubernetes: () => KubernetesAdapter;
  random: () => number;
  signal?: AbortSignal;
};

// One thing a fault does to one target. Its undo is known before `inject` runs, so the ledger
// holds it before anything changes.
export type FaultAction = {
  fault: string;
  target: string;
  undo: UndoRecord;
  inject(): Promise<void>;
};

export const faultMarkPrefix = 'faultline-';

// Toxic names carry the run id, so an orphan can be traced to its run: faultline-<runId>-<fault>.
export function markedName(runId: string, fault: string): string {
  return `${faultMarkPrefix}${runId}-${fault}`;
}

export function runIdFromMark(name: string): string | undefined {
  return /^faultline-(\d{8}T\d{6}Z-[0-9a-f]{4})-/.exec(name)?.[1];
}
