import { existsSync, readFileSync } from 'node:fs';
import { createKubernetesAdapter, type KubernetesAdapter } from '../adapters/kubernetes.ts';
import { createLeaseStore, type LeaseStore } from '../adapters/kubernetes-leases.ts';
import { createToxiproxyAdapter, type ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import { systemClock } from '../clock.ts';
import { defaultLedgerFile, openFaultLedger } from '../ledger/fault-ledger.ts';
import { takeSample } from '../probes/take-sample.ts';
import type { Runtime } from '../runtime.ts';
import { createSeededRandom } from '../selection/seeded-random.ts';

// The real runtime, shared by the CLI, the schedule daemon and the library.

/** Where the cluster and the ledger are: the command line's --kubeconfig, --context and --ledger. */
export type ConnectionOptions = {
  /** Default: $KUBECONFIG, in-cluster, ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  /** Default: $FAULTLINE_LEDGER, else $XDG_STATE_HOME/faultline/ledger.jsonl. */
  ledger?: string;
};

type RuntimeOptions = ConnectionOptions & {
  /** Where $FAULTLINE_LEDGER and $XDG_STATE_HOME are read. */
  env: Readonly<Record<string, string | undefined>>;
  /** Names the command in the API server's audit log, e.g. "faultline (run)". */
  userAgent: string;
  seed: number;
};

/** The servers a command talks to, each client made on first use (no kubeconfig read for a Toxiproxy-only experiment). */
export type ServerClients = {
  kubernetes: () => KubernetesAdapter;
  toxiproxy: (url: string) => ToxiproxyAdapter;
};

/** `userAgent` names the command in the API server's audit log, e.g. "faultline (plan)". */
export function createServerClients(
  options: Pick<ConnectionOptions, 'kubeconfig' | 'context'> & { userAgent: string },
): ServerClients {
  const toxiproxies = new Map<string, ToxiproxyAdapter>();
  let kubernetes: KubernetesAdapter | undefined;
  return {
    toxiproxy: (url) => {
      const key = url.replace(/\/+$/, '');
      let adapter = toxiproxies.get(key);
      if (!adapter) {
        adapter = createToxiproxyAdapter(key);
        toxiproxies.set(key, adapter);
      }
      return adapter;
    },
    kubernetes: () => {
      kubernetes ??= createKubernetesAdapter({
        kubeconfig: options.kubeconfig,
        context: options.context,
        userAgent: options.userAgent,
      });
      return kubernetes;
    },
  };
}

// The real runtime: the system clock, a seeded random source, the durable ledger and lazily
// created clients (one per Toxiproxy URL).
export function buildRuntime(options: RuntimeOptions): Runtime {
  const clients = createServerClients(options);
  let leases: LeaseStore | undefined;
  return {
    clock: systemClock,
    random: createSeededRandom(options.seed),
    // A ledger that cannot be used is a LedgerError now, before anything is touched.
    ledger: openFaultLedger(options.ledger ?? defaultLedgerFile({ ...options.env })),
    toxiproxy: clients.toxiproxy,
    sampleProbe: takeSample,
    leases: () => {
      leases ??= createLeaseStore({
        namespace: runnersNamespace(options.env),
        kubeconfig: options.kubeconfig,
        context: options.context,
        userAgent: options.userAgent,
      });
      return leases;
    },
    kubernetes: clients.kubernetes,
  };
}

const serviceAccountNamespace = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

// Where the runs' Leases and the halt marker live: FAULTLINE_NAMESPACE, else the pod's own namespace
// in a cluster, else `faultline`.
export function runnersNamespace(env: Readonly<Record<string, string | undefined>>): string {
  if (env.FAULTLINE_NAMESPACE) return env.FAULTLINE_NAMESPACE;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(serviceAccountNamespace))
    return readFileSync(serviceAccountNamespace, 'utf8').trim();
  return 'faultline';
}
