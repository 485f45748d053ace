import { existsSync, readFileSync } from 'node:fs';
import { createKubernetesAdapter, type KubernetesAdapter } from '../src/adapters/kubernetes.ts';
import { createLeaseStore, type LeaseStore } from '../src/adapters/kubernetes-leases.ts';
import { createToxiproxyAdapter, type ToxiproxyAdapter } from '../src/adapters/toxiproxy.ts';
import { systemClock } from '../src/clock.ts';
import { defaultLedgerFile, openFaultLedger } from '../src/ledger/fault-ledger.ts';
import { takeSample } from '../src/probes/take-sample.ts';
import type { Runtime } from '../src/runtime.ts';
import { createSeededRandom } from '../src/selection/seeded-random.ts';

export type ConnectionOptions = { kubeconfig?: string; context?: string; ledger?: string };

/** Names the command in the API server's audit log, e.g. "faultline (run)". */
type Caller = { userAgent: string };

// The real runtime: the system clock, a seeded random source, the durable ledger and lazily
// created adapters (one per Toxiproxy URL).
export function buildRuntime(options: ConnectionOptions & Caller & { seed: number }): Runtime {
  const toxiproxies = new Map<string, ToxiproxyAdapter>();
  let kubernetes: KubernetesAdapter | undefined;
  let leases: LeaseStore | undefined;
  return {
    clock: systemClock,
    random: createSeededRandom(options.seed),
    ledger: openFaultLedger(options.ledger ?? defaultLedgerFile()),
    toxiproxy: (url) => {
      const key = url.replace(/\/+$/, '');
      let adapter = toxiproxies.get(key);
      if (!adapter) {
        adapter = createToxiproxyAdapter(key);
        toxiproxies.set(key, adapter);
      }
      return adapter;
    },
    sampleProbe: takeSample,
    leases: () => {
      leases ??= createLeaseStore({
        namespace: runnersNamespace(),
        kubeconfig: options.kubeconfig,
        context: options.context,
        userAgent: options.userAgent,
      });
      return leases;
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

const serviceAccountNamespace = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

// Where the runs' Leases and the halt marker live: FAULTLINE_NAMESPACE, else the pod's own namespace
// in a cluster, else `faultline`.
export function runnersNamespace(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAULTLINE_NAMESPACE) return env.FAULTLINE_NAMESPACE;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(serviceAccountNamespace))
    return readFileSync(serviceAccountNamespace, 'utf8').trim();
  return 'faultline';
}
