// What a run left in the sandbox, read straight from the servers (never through Faultline's own
// code): toxics named by Faultline and disabled proxies on the Toxiproxy server, cordoned nodes and
// open entries in a ledger file; apart, what is no fault but should not outlive a run either: its
// claims on proxies and its Lease. Used by the dead man's switch's test and by
// bench/torture.ts after each kill -9.
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { foldOpenEntries, readLedgerLines } from '../../src/ledger/fault-ledger.ts';
import type { SandboxEnv } from './sandbox-env.ts';

export type Leftovers = {
  /** One line per fault still in place (or ledger entry still open). */
  left: string[];
  /** A run's presence that outlived it: its claim on a proxy, its Lease (no faults, but clutter). */
  remains: string[];
  /** Pods of shop/checkout that are Ready (a killed pod is replaced, a drained node's pods move). */
  checkoutReady: number;
};

export function createLeftoverReader(sandbox: SandboxEnv, options: { ledger: string; namespace?: string }) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(sandbox.KUBECONFIG);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  const leaseNamespace = options.namespace ?? 'faultline';
  return async function read(): Promise<Leftovers> {
    const [proxies, nodes, leases, checkout] = await Promise.all([
      fetch(`${sandbox.TOXIPROXY_URL}/proxies`).then(
        (answer) =>
          answer.json() as Promise<Record<string, { enabled: boolean; toxics: { name: string }[] }>>,
      ),
      core.listNode(),
      coordination
        .listNamespacedLease({ namespace: leaseNamespace, labelSelector: 'faultline.dev/run' })
        .catch(() => ({ items: [] })),
      core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' }),
    ]);
    const left: string[] = [];
    const remains: string[] = [];
    for (const [name, proxy] of Object.entries(proxies)) {
      if (!proxy.enabled) left.push(`proxy ${name} disabled`);
      for (const toxic of proxy.toxics)
        if (toxic.name.startsWith('faultline-'))
          (toxic.name.endsWith('.claim') ? remains : left).push(`toxic ${toxic.name} on ${name}`);
    }
    for (const node of nodes.items)
      if (node.spec?.unschedulable) left.push(`node ${node.metadata?.name} cordoned`);
    for (const lease of leases.items) remains.push(`Lease ${leaseNamespace}/${lease.metadata?.name}`);
    for (const entry of foldOpenEntries(readLedgerLines(options.ledger)))
      left.push(`ledger entry ${entry.entry} open`);
    const checkoutReady = checkout.items.filter(
      (pod) =>
        pod.metadata?.deletionTimestamp == null &&
        (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
    return { left, remains, checkoutReady };
  };
}
