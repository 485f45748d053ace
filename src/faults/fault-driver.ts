// What every fault kind provides, so the engine, `plan` and `recover` handle a fault without knowing
// its kind: pick the targets (seeded), say what they are (blast radius, plan rows), prepare each
// action with its undo record, and name what recovery must scan. One driver per kind, in its own
// file, registered in fault-drivers.ts.
import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import type { Clock } from '../clock.ts';
import type { RateGate } from '../concurrency/rate-gate.ts';
import type { FaultOf } from '../experiment/experiment.ts';
import type { FaultKind, SafetySpec } from '../experiment/schema.ts';
import type { OptInLabel } from '../selection/opt-in-label.ts';
import type { BlastRadius } from '../selection/safety.ts';
import type { Exclusion } from '../selection/select-targets.ts';
import type { DryRunRequest } from './dry-run.ts';
import type { UndoRecord } from './undo-record.ts';

export type FaultContext = {
  runId: string;
  /** Epoch ms: the run's planned end plus grace. Marks carry it; the run never holds a fault past it. */
  deadline: number;
  clock: Clock;
  toxiproxy: (url: string) => ToxiproxyAdapter;
  kubernetes: () => KubernetesAdapter;
  random: () => number;
  signal?: AbortSignal;
  /** The experiment's safety limits, enforced again on what a drain finds on its node. */
  safety?: SafetySpec;
  /** spec.safety.apiRate: awaited before each deletion, cordon and eviction. */
  apiGate?: RateGate;
};

/** The reads selection may make of a cluster. */
export type KubernetesReader = Pick<
  KubernetesAdapter,
  'listPods' | 'listPodMetadata' | 'listNodes' | 'resolveOwner' | 'readRollout' | 'listAutoscalers'
>;

/** What selection reads: the clusters and proxies, a seed (the same seed picks the same targets). */
export type SelectContext = {
  kubernetes: () => KubernetesReader;
  toxiproxy: (url: string) => Pick<ToxiproxyAdapter, 'url' | 'getProxy'>;
  seed: number;
  optIn: OptInLabel | undefined;
};

/** What every plan has: the fault, its kind, what matched but is left alone, and notes. */
export type PlanBase<K extends FaultKind = FaultKind> = {
  fault: string;
  kind: K;
  excluded: Exclusion[];
  notes: string[];
  /** Why the fault cannot run as configured (the run then injects nothing): a drain's pods it must
   * not evict, an autoscaler a scale would fight. */
  refusal?: string;
};

/** One line of `plan`'s table. `check` finds the dry-run result that belongs on the line. */
export type PlanRow = {
  namespace?: string;
  target: string;
  owner?: string;
  effect?: string;
  /** Shown when no dry-run applies (e.g. "proxy exists"). */
  status?: string;
  check?: Pick<DryRunRequest, 'action' | 'name' | 'namespace'>;
  /** A line under the previous one (a pod a drain evicts). */
  nested?: boolean;
};

/** Where a fault lives, so recovery knows where to look for orphans of it: Toxiproxy servers, cordoned nodes, a cluster. */
export type RecoveryScope = {
  toxiproxyUrls: string[];
  nodeCordons: boolean;
  /** The fault acts on a cluster: its run registers there (a Lease) and keeps its ledger there. */
  cluster: boolean;
};

/** What became of a target after its inject: how a killed pod's owner recovered, how a drain went. */
export type ActionEffect = {
  outcome:
    | 'ready'
    | 'not-ready'
    | 'not-measured'
    | 'drained'
    | 'blocked'
    | 'failed'
    | 'stopped'
    | 'rolled-out';
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

export type FaultDriver<K extends FaultKind, P extends PlanBase> = {
  /** The targets, read from the servers and picked with the seed; changes nothing. */
  select(fault: FaultOf<K>, context: SelectContext): Promise<P>;
  /** What the plan would touch, for the safety limits and for overlap with other runs. */
  blastRadius(plan: P): BlastRadius;
  /**
   * The actions for the picked targets, each with its undo record; changes nothing yet. `round`
   * counts the repeats of a fault that repeats, from 0.
   */
  prepare(fault: FaultOf<K>, plan: P, context: FaultContext, round: number): Promise<FaultAction[]>;
  /** Where orphans of this fault would be found by their marks. */
  recoveryScope(fault: FaultOf<K>): RecoveryScope;
  /** One phrase for reports: "latency toxic (downstream) on proxy catalog". */
  describe(fault: FaultOf<K>): string;
  /** The lines of `plan`'s table. */
  planRows(plan: P): PlanRow[];
  /** The requests `plan` sends with dryRun=All (none for kinds the API cannot dry-run). */
  dryRun(plan: P, kubernetes: DryRunClient): DryRunRequest[];
  /** A fault that repeats (a podKill with `every`): the interval between rounds. */
  repeatEveryMs(fault: FaultOf<K>): number | undefined;
};

export type DryRunClient = Pick<KubernetesAdapter, 'deletePod' | 'evictPod' | 'patchNode' | 'patchWorkload'>;
