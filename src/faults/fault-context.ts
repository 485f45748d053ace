import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import type { Clock } from '../clock.ts';
import type { SafetySpec } from '../experiment/schema.ts';
import { runIdAfter } from '../run-id.ts';
import type { UndoRecord } from './undo-record.ts';

export type FaultContext = {
  runId: string;
  clock: Clock;
  toxiproxy: (url: string) => ToxiproxyAdapter;
  kubernetes: () => KubernetesAdapter;
  random: () => number;
  signal?: AbortSignal;
  /** The run's seed: Kubernetes faults pick their targets from it exactly as `plan --seed` does. */
  seed?: number;
  /** The experiment's safety limits, enforced again on the targets picked at run time. */
  safety?: SafetySpec;
};

/** What became of a target after its inject: how a killed pod's owner recovered, how a drain went. */
export type ActionEffect = {
  outcome: 'ready' | 'not-ready' | 'not-measured' | 'drained' | 'blocked' | 'failed' | 'stopped';
  /** Milliseconds from the inject to the outcome. */
  afterMs?: number;
  detail: string;
  /** nodeDrain: the pods evicted (namespace/name), and those left alone with why. */
  evicted?: string[];
  skipped?: { pod: string; reason: string }[];
  /** nodeDrain: the budget that refused an eviction until the drain gave up (namespace/name). */
  podDisruptionBudget?: string;
};

export type SettleResult = { effect: ActionEffect; failure?: string };

// One thing a fault does to one target. Its undo is known before `inject` runs, so the ledger
// holds it before anything changes.
export type FaultAction = {
  fault: string;
  target: string;
  undo: UndoRecord;
  inject(): Promise<void>;
  /** May be injected at the same time as its neighbours that say so too (the pods of one kill). */
  independent?: boolean;
  /** podKill: the killed pod's top controller, kind/name. */
  owner?: string;
  /**
   * The part of the fault that takes time (a drain's evictions), run in the background after
   * `inject` while the run goes on. Its signal aborts before the fault is reverted; a result with
   * `failure` stops the run with the verdict `error`.
   */
  settle?(signal: AbortSignal): Promise<SettleResult>;
  /** Follows how the target recovers (a killed pod's owner Ready again) until done or the run ends. */
  observe?(signal: AbortSignal): Promise<ActionEffect>;
};

export const faultMarkPrefix = 'faultline-';

// Toxic names carry the run id, so an orphan can be traced to its run: faultline-<runId>-<fault>.
export function markedName(runId: string, fault: string): string {
  return `${faultMarkPrefix}${runId}-${fault}`;
}

export function runIdFromMark(name: string): string | undefined {
  return runIdAfter(faultMarkPrefix, name);
}
