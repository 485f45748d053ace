// Smoke tests proving every part of the sandbox is real.
// Needs: the sandbox (scripts/testenv.sh up): kube-apiserver + controller manager + scheduler + kwok,
// Toxiproxy, Prometheus, the sample shop with traffic.
import { CoreV1Api, KubeConfig, PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import test from 'ava';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const env = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(env.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const policy = kubeConfig.makeApiClient(PolicyV1Api);

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function readyCheckoutPods(): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' });
  return list.items.filter(isReady);
}

test.serial('checkout has 3 Ready pods, all on kwok fake nodes', async (t) => {
  const pods = await waitUntil('3 Ready checkout pods', async () => {
    const ready = await readyCheckoutPods();
    return ready.length === 3 ? ready : undefined;
  });
  const nodes = await core.listNode({ labelSelector: 'pool=web' });
  const fakeNodes = new Set(
    nodes.items
      .filter((n) => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake')
      .map((n) => n.metadata?.name),
  );
  t.true(fakeNodes.size >= 3, `expected at least 3 fake nodes in pool=web, found ${fakeNodes.size}`);
  for (const pod of pods)
    t.true(fakeNodes.has(pod.spec?.nodeName), `${pod.metadata?.name} on ${pod.spec?.nodeName}`);
  const readyNodes = nodes.items.filter((n) =>
    n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  t.is(readyNodes.length, nodes.items.length, 'every fake node is Ready');
});

test.serial(
  'deleting a checkout pod brings a Ready replacement (controller manager, scheduler, kwok)',
  async (t) => {
    const before = await waitUntil('3 Ready checkout pods', async () => {
      const ready = await readyCheckoutPods();
      return ready.length === 3 ? ready : undefined;
    });
    const victim = before[0]?.metadata?.name;
    if (!victim) throw new Error('no pod to delete');
    await core.deleteNamespacedPod({ name: victim, namespace: 'shop', gracePeriodSeconds: 0 });
    const after = await waitUntil('a replacement Ready pod', async () => {
      const ready = await readyCheckoutPods();
      const names = ready.map((p) => p.metadata?.name);
      return ready.length === 3 && !names.includes(victim) ? ready : undefined;
    });
    const replacement = after.find((p) => !before.some((b) => b.metadata?.name === p.metadata?.name));
    t.truthy(replacement, 'a pod that did not exist before is Ready');
    t.truthy(replacement?.spec?.nodeName, 'the replacement was scheduled onto a node');
  },
);

test.serial('a PodDisruptionBudget gets status.disruptionsAllowed computed', async (t) => {
  const name = `smoke-pdb-${process.pid}`;
  await policy.createNamespacedPodDisruptionBudget({
    namespace: 'shop',
    body: {
      metadata: { name },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'checkout' } } },
    },
  });
  try {
    const status = await waitUntil('the disruption controller to compute the PDB status', async () => {
      const pdb = await policy.readNamespacedPodDisruptionBudget({ name, namespace: 'shop' });
      return pdb.status?.expectedPods === 3 ? pdb.status : undefined;
    });
    t.is(status.disruptionsAllowed, 1, '3 healthy pods, minAvailable 2 → 1 disruption allowed');
    t.is(status.currentHealthy, 3);
  } finally {
    await policy.deleteNamespacedPodDisruptionBudget({ name, namespace: 'shop' });
  }
});

// Median of `n` sequential GETs, in milliseconds.
async function medianLatencyMs(url: string, n: number): Promise<{ ms: number; statuses: number[] }> {
  const times: number[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    times.push(performance.now() - started);
    statuses.push(response.status);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(n / 2)] ?? Number.NaN, statuses };
}

test.serial('a 300 ms latency toxic on catalog shows in the fragile storefront latency', async (t) => {
  const toxics = `${env.TOXIPROXY_URL}/proxies/catalog/toxics`;
  const baseline = await medianLatencyMs(`${env.FRAGILE_STOREFRONT_URL}/`, 5);
  t.true(baseline.ms < 150, `baseline median ${baseline.ms.toFixed(1)} ms`);
  const created = await fetch(toxics, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'smoke-latency',
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: 300 },
    }),
  });
  t.is(created.status, 200, await created.text());
  try {
    const slowed = await medianLatencyMs(`${env.FRAGILE_STOREFRONT_URL}/`, 5);
    t.true(slowed.ms >= 300, `median with toxic ${slowed.ms.toFixed(1)} ms`);
    t.true(slowed.ms < 1000, `median with toxic ${slowed.ms.toFixed(1)} ms`);
    t.deepEqual(new Set(slowed.statuses), new Set([200]));
  } finally {
    await fetch(`${toxics}/smoke-latency`, { method: 'DELETE' });
  }
  const listed = (await (await fetch(toxics)).json()) as unknown[];
  t.deepEqual(listed, [], 'the toxic is gone afterwards');
});

test.serial('Toxiproxy lists the catalog proxy, enabled, in front of the catalog', async (t) => {
  const proxies = (await (await fetch(`${env.TOXIPROXY_URL}/proxies`)).json()) as Record<
    string,
    { listen: string; upstream: string; enabled: boolean }
  >;
  t.is(proxies.catalog?.listen, env.CATALOG_PROXY_LISTEN);
  t.is(`http://${proxies.catalog?.upstream}`, env.CATALOG_URL);
  t.true(proxies.catalog?.enabled);
});

test.serial('Prometheus answers a query for shop_requests_total with data from every service', async (t) => {
  const services = await waitUntil('shop_requests_total from catalog and both storefronts', async () => {
    const url = `${env.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent('sum by (service) (shop_requests_total)')}`;
    const body = (await (await fetch(url)).json()) as {
      status: string;
      data: { resultType: string; result: { metric: { service: string }; value: [number, string] }[] };
    };
    const found = body.data.result.filter((r) => Number(r.value[1]) > 0).map((r) => r.metric.service);
    return found.length >= 3 ? found.sort() : undefined;
  });
  t.deepEqual(services, ['catalog', 'fragile-storefront', 'storefront']);
});

test.serial('the built kubectl lists the Ready fake nodes', async (t) => {
  // The sandbox's real nodes, when it has some, are listed by test/integration/real-nodes.test.ts.
  const result = await runProcess('kubectl', ['get', 'nodes', '--no-headers', '-l', 'type=kwok'], {
    env: { ...process.env, PATH: env.PATH, KUBECONFIG: env.KUBECONFIG },
  });
  t.is(result.exitCode, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  t.true(lines.length >= 3);
  for (const line of lines) t.regex(line, /^kwok-node-\d+\s+Ready\s/);
});
