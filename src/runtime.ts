import type { KubernetesAdapter } from './adapters/kubernetes.ts';
import type { LeaseStore } from './adapters/kubernetes-leases.ts';
import type { ToxiproxyAdapter } from './adapters/toxiproxy.ts';
import type { Clock } from './clock.ts';
import type { ProbeSpec } from './experiment/schema.ts';
import type { Sample } from './hypothesis/sample.ts';
import type { FaultLedger } from './ledger/fault-ledger.ts';
import type { LoadRun, LoadStreamOptions } from './load/start-load.ts';
import type { ProbeContext } from './probes/probe-context.ts';

// The one object through which the engine reaches the outside world: swap the clock and the
// adapters in tests, and a whole run replays without waiting or touching a server.
export type Runtime = {
  clock: Clock;
  /** Seeded: the same seed makes the same choices. */
  random: () => number;
  ledger: FaultLedger;
  toxiproxy: (url: string) => ToxiproxyAdapter;
  /** Created on first use, so experiments without Kubernetes need no kubeconfig. */
  kubernetes: () => KubernetesAdapter;
  /**
   * The runners' Leases in the cluster (the runs', the halt marker), created on first use; runs with
   * Kubernetes faults register there. Absent where no cluster can be configured (unit tests).
   */
  leases?: () => LeaseStore;
  /**
   * Every run announces itself in that cluster, Kubernetes faults or not: a daemon's runs, so a
   * standby can tell the runs of a leader that died from the runs of one that lives.
   */
  announceInCluster?: boolean;
  /** Takes one sample of a probe (takeSample, in the real runtime). */
  sampleProbe: (probe: ProbeSpec, context: ProbeContext) => Promise<Sample>;
  /** Starts the load streams of spec.load (startLoad, the real generator, when not given). */
  startLoad?: (streams: readonly LoadStreamOptions[]) => LoadRun;
};
