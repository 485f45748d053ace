import type { ClusterRef, KubernetesAdapter, WorkloadKind } from '../adapters/kubernetes.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';

// How to undo one injected fault: written to the fault ledger before the fault is injected, and
// enough on its own to revert it (the experiment file is not needed), so `faultline recover` can,
// from another process or machine. Each record names where its target lives: a Toxiproxy server's
// URL, or a cluster (API server URL and kubeconfig context), so a revert never acts elsewhere.
export type UndoRecords = {
  toxic: { url: string; proxy: string; toxic: string };
  'proxy-created': { url: string; proxy: string };
  /** marker: the harmless toxic that says whose partition it is (absent in older ledgers). */
  'proxy-disabled': { url: string; proxy: string; marker?: string };
  /** runId: the run whose mark the node carries; only a node with that mark is uncordoned. */
  'node-cordoned': { node: string; runId?: string; cluster?: ClusterRef };
  'pod-deleted': { namespace: string; pod: string };
  /** A rollout restart: nothing to undo, its controller replaced the pods. */
  'workload-restarted': { namespace: string; workload: WorkloadKind; name: string; cluster?: ClusterRef };
  /** A scale: `replicas` is what it had; only a workload still carrying this run's mark is restored. */
  scaled: {
    namespace: string;
    workload: WorkloadKind;
    name: string;
    replicas: number;
    runId: string;
    cluster?: ClusterRef;
  };
  /** A program that is the fault while it runs: its processes carry `mark` in their environment. */
  'command-running': { host: string; mark: string; argv: string[] };
  /** A fault injected by a program, reverted by running `argv`. */
  'command-revert': { host: string; argv: string[]; env: Record<string, string>; timeoutMs: number };
};

export type UndoKind = keyof UndoRecords;

/** The string fields each undo kind cannot do without. The ledger checks its lines against this: a
 *  kind not listed here was written by a newer Faultline and is reported, never reverted blindly. */
export const undoRecordFields = {
  toxic: ['url', 'proxy', 'toxic'],
  'proxy-created': ['url', 'proxy'],
  'proxy-disabled': ['url', 'proxy'],
  'node-cordoned': ['node'],
  'pod-deleted': ['namespace', 'pod'],
  'workload-restarted': ['namespace', 'workload', 'name'],
  scaled: ['namespace', 'workload', 'name', 'runId'],
  'command-running': ['host', 'mark'],
  'command-revert': ['host'],
} as const satisfies { [K in UndoKind]: readonly (keyof UndoRecords[K])[] };

export type UndoOf<K extends UndoKind> = { [P in K]: { kind: P } & UndoRecords[P] }[K];

export type UndoRecord = UndoOf<UndoKind>;

export type RevertOutcome = 'reverted' | 'already-gone';

/** The servers a revert may use: the same lookups as a run, from any process. */
export type RevertContext = {
  toxiproxy: (url: string) => ToxiproxyAdapter;
  kubernetes: () => KubernetesAdapter;
};

// How one kind of undo record is reverted and confirmed. Idempotent: undoing what is already undone
// answers 'already-gone'. `revert` throws (an AdapterError) when the server cannot be reached.
export type UndoHandler<K extends UndoKind> = {
  describe(undo: UndoOf<K>): string;
  revert(undo: UndoOf<K>, context: RevertContext): Promise<RevertOutcome>;
  /** Confirms a revert by reading the target back. */
  isReverted(undo: UndoOf<K>, context: RevertContext): Promise<boolean>;
  /** Why this runner must not touch it (its cluster is another one); undefined when it may. */
  outOfReach(undo: UndoOf<K>, context: RevertContext): string | undefined;
};

// A record that names its cluster is reverted only through a client of that cluster: a runner
// configured for another one leaves it open (closing it as "already gone" would lose the fault).
export function clusterMismatch(
  recorded: ClusterRef | undefined,
  context: RevertContext,
): string | undefined {
  if (!recorded) return undefined;
  let current: ClusterRef;
  try {
    current = context.kubernetes().cluster;
  } catch (error) {
    return `it was made in cluster ${recorded.server} and no cluster is configured here (${(error as Error).message})`;
  }
  if (current.server === recorded.server) return undefined;
  return `it was made in cluster ${recorded.server} (context ${recorded.context}); this runner is connected to ${current.server} (context ${current.context})`;
}
