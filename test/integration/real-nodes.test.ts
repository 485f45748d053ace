// The sandbox's real nodes: kubelets with their own containerd, the shop's storefronts in real pods
// (each in its own network namespace), reached at 127.0.0.1 through kube-proxy's NodePorts; and the
// seed's claim (002): replacing a pod under traffic loses no request when the service drains
// gracefully, and loses some when it exits at once.
// Needs: the sandbox with real nodes (scripts/testenv.sh up --real-nodes 2; scripts/test.sh does it).
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, DiscoveryV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import test from 'ava';
import { loadRealNodesEnv, loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const env = loadSandboxEnv();
const real = loadRealNodesEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(env.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
const namespace = 'shop-real';

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function pods(app: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
}

async function realNodeNames(): Promise<Set<string>> {
  const nodes = await core.listNode({ labelSelector: 'pool=real' });
  return new Set(nodes.items.map((n) => n.metadata?.name ?? ''));
}

// The network namespace of a container's first process, read from its containerd bundle on the node.
function netnsOf(pod: V1Pod): string {
  const id = pod.status?.containerStatuses?.[0]?.containerID?.replace('containerd://', '');
  if (!id) throw new Error(`${pod.metadata?.name} has no container id`);
  for (let node = 0; node < real.REAL_NODES; node++) {
    const bundle = `${real.REAL_NODES_DIR}/${node}/containerd/state/io.containerd.runtime.v2.task/k8s.io/${id}`;
    try {
      const pid = readFileSync(`${bundle}/init.pid`, 'utf8').trim();
      return readlinkSync(`/proc/${pid}/ns/net`);
    } catch {}
  }
  throw new Error(`no containerd bundle for ${pod.metadata?.name} (${id}) under ${real.REAL_NODES_DIR}`);
}

type Answer = { status: number } | { error: string };

// One GET on a new connection, as a client behind no keep-alive pool would send it.
function getOnce(url: string): Promise<Answer> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 3000 }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.on('error', (error) => resolve({ error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout after 3 s')));
    request.on('error', (error) =>
      resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
    );
  });
}

type Trickle = { sent: number; lost: number; reasons: Record<string, number>; stop(): Promise<void> };

// Sequential requests, each on a new connection, until stopped; anything but a 200 is a lost request.
function startTrickle(url: string): Trickle {
  let running = true;
  const result: Trickle = { sent: 0, lost: 0, reasons: {}, stop: async () => {} };
  const loop = (async () => {
    while (running) {
      const answer = await getOnce(`${url}/`);
      result.sent += 1;
      if ('status' in answer && answer.status === 200) continue;
      result.lost += 1;
      const reason = 'status' in answer ? `HTTP ${answer.status}` : answer.error;
      result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
    }
  })();
  result.stop = async () => {
    running = false;
    await loop;
  };
  return result;
}

async function threeReady(app: string): Promise<V1Pod[]> {
  return waitUntil(
    `3 Ready ${app} pods and no other`,
    async () => {
      const all = await pods(app);
      return all.length === 3 && all.every(isReady) ? all : undefined;
    },
    { timeoutMs: 120_000 },
  );
}

// Whether kube-proxy has been told to route to the pod: it is a ready endpoint of its Service.
async function isRoutedTo(service: string, pod: string): Promise<boolean> {
  const slices = await discovery.listNamespacedEndpointSlice({
    namespace,
    labelSelector: `kubernetes.io/service-name=${service}`,
  });
  return slices.items.some((slice) =>
    (slice.endpoints ?? []).some((e) => e.targetRef?.name === pod && e.conditions?.ready === true),
  );
}

// Deletes one replica (default grace period) under a trickle of requests, and keeps the trickle going
// until the replacement is a ready endpoint of the Service, the victim is gone, and 3 s more have
// passed (kube-proxy's rules follow endpoints within about a second).
async function deleteOneUnderTraffic(app: string, url: string) {
  const before = await threeReady(app);
  const names = new Set(before.map((pod) => pod.metadata?.name));
  const victim = before[0]?.metadata?.name ?? '';
  const trickle = startTrickle(url);
  try {
    await sleep(2000);
    await core.deleteNamespacedPod({ name: victim, namespace });
    const after = await threeReady(app);
    const replacement = after.find((pod) => !names.has(pod.metadata?.name))?.metadata?.name ?? '';
    await waitUntil(`${replacement} routed to`, async () =>
      (await isRoutedTo(app, replacement)) ? true : undefined,
    );
    await sleep(3000);
  } finally {
    await trickle.stop();
  }
  return { victim, sent: trickle.sent, lost: trickle.lost, reasons: trickle.reasons };
}

test.serial('real nodes: Ready, labelled and tainted pool=real, beside the kwok nodes', async (t) => {
  const nodes = (await core.listNode({ labelSelector: 'pool=real' })).items;
  t.is(nodes.length, real.REAL_NODES);
  for (const node of nodes) {
    const name = node.metadata?.name;
    t.true(
      node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      `${name} is Ready`,
    );
    t.is(node.status?.nodeInfo?.kubeletVersion, 'v1.36.3', `${name} runs the kubelet built from the module`);
    t.regex(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\/1\.6\./);
    t.is(node.metadata?.annotations?.['kwok.x-k8s.io/node'], undefined, `${name} is not kwok's`);
    t.deepEqual(
      node.spec?.taints?.map((taint) => `${taint.key}=${taint.value}:${taint.effect}`),
      ['pool=real:NoSchedule'],
    );
  }
  const kwokNodes = (await core.listNode({ labelSelector: 'type=kwok' })).items;
  t.true(kwokNodes.length >= 1, 'the kwok nodes are still there');
  const checkout = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' })).items;
  const realNames = await realNodeNames();
  for (const pod of checkout)
    t.false(realNames.has(pod.spec?.nodeName ?? ''), 'kwok fixtures stay off real nodes');
});

test.serial(
  '3 graceful and 3 fragile storefront pods run on the real nodes, each in its own network namespace',
  async (t) => {
    const realNames = await realNodeNames();
    const all = [...(await threeReady('storefront-graceful')), ...(await threeReady('storefront-fragile'))];
    const hostNetns = readlinkSync('/proc/self/ns/net');
    const nodeNetns = `net:[${statSync(real.REAL_NODES_NETNS).ino}]`;
    const namespaces = new Set<string>();
    for (const pod of all) {
      const name = pod.metadata?.name;
      t.true(realNames.has(pod.spec?.nodeName ?? ''), `${name} is on a real node (${pod.spec?.nodeName})`);
      t.falsy(pod.spec?.hostNetwork, `${name} is not on the host network`);
      t.regex(pod.status?.podIP ?? '', /^10\.88\.\d+\.\d+$/, `${name} has an address from its node's bridge`);
      const netns = netnsOf(pod);
      t.not(netns, hostNetns, `${name} is not in the host's network namespace`);
      t.not(netns, nodeNetns, `${name} is not in the node network's namespace`);
      namespaces.add(netns);
    }
    t.is(namespaces.size, 6, 'six pods, six network namespaces');
  },
);

test.serial('both NodePort URLs are on 127.0.0.1 and answer 200 with the catalog products', async (t) => {
  for (const url of [real.GRACEFUL_NODEPORT_URL, real.FRAGILE_NODEPORT_URL]) {
    t.regex(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/`, { headers: { accept: 'application/json' } });
    t.is(response.status, 200, url);
    const body = (await response.json()) as { degraded: boolean; products: unknown[] };
    t.false(body.degraded, `${url} reached the catalog through Toxiproxy`);
    t.is(body.products.length, 4);
  }
});

test.serial('deleting a graceful replica under a steady trickle of requests loses none', async (t) => {
  const run = await deleteOneUnderTraffic('storefront-graceful', real.GRACEFUL_NODEPORT_URL);
  t.log(
    `graceful: ${run.sent} requests, ${run.lost} lost ${JSON.stringify(run.reasons)} (deleted ${run.victim})`,
  );
  t.true(run.sent >= 20, `only ${run.sent} requests were sent`);
  t.is(run.lost, 0, JSON.stringify(run.reasons));
});

test.serial('deleting a fragile replica under the same trickle loses some', async (t) => {
  const run = await deleteOneUnderTraffic('storefront-fragile', real.FRAGILE_NODEPORT_URL);
  t.log(
    `fragile: ${run.sent} requests, ${run.lost} lost ${JSON.stringify(run.reasons)} (deleted ${run.victim})`,
  );
  t.true(run.sent >= 20, `only ${run.sent} requests were sent`);
  t.true(run.lost > 0, 'the fragile storefront lost no request');
});
