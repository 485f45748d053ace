import { createKubernetesAdapter, type KubernetesAdapter } from '../src/adapters/kubernetes.ts';
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
