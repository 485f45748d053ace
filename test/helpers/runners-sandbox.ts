// What the runners' integration tests make on the sandbox, of their own, so they touch nothing that
// other tests use: Toxiproxy proxies in front of the catalog, and kwok nodes with a label of their own
// (nothing is scheduled there). And the state the tests watch: a proxy's toxics and enabled flag, a
// node's cordon.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { faultOnlyExperiment } from './fault-only-experiment.ts';
import { freePort } from './free-port.ts';
import { loadSandboxEnv } from './sandbox-env.ts';
import { waitUntil } from './wait-until.ts';

const sandbox = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(sandbox.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);

export const testNodeLabel = 'faultline.dev/runners-test';

type Proxy = { name: string; enabled: boolean; toxics: { name: string }[] };

export async function createProxy(name: string): Promise<void> {
  await fetch(`${sandbox.TOXIPROXY_URL}/proxies/${name}`, { method: 'DELETE' });
  const listen = `127.0.0.1:${await freePort()}`;
  const upstream = new URL(sandbox.CATALOG_URL).host;
  const answer = await fetch(`${sandbox.TOXIPROXY_URL}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name, listen, upstream, enabled: true }),
  });
  if (!answer.ok) throw new Error(`could not create the proxy ${name}: ${await answer.text()}`);
}

export async function deleteProxy(name: string): Promise<void> {
  await fetch(`${sandbox.TOXIPROXY_URL}/proxies/${name}`, { method: 'DELETE' });
}

export async function readProxy(name: string): Promise<Proxy> {
  return (await (await fetch(`${sandbox.TOXIPROXY_URL}/proxies/${name}`)).json()) as Proxy;
}

/** The toxics on a proxy that are faults (a run's claim is not). */
export async function faultToxics(name: string): Promise<string[]> {
  return (await readProxy(name)).toxics.map((t) => t.name).filter((t) => !t.endsWith('.claim'));
}

export async function createNode(name: string, value: string): Promise<void> {
  await core.deleteNode({ name }).catch(() => undefined);
  await waitUntil(`the old node ${name} to be gone`, async () =>
    (await core.readNode({ name }).then(
      () => false,
      () => true,
    ))
      ? true
      : undefined,
  );
  await core.createNode({
    body: {
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: { 'kubernetes.io/hostname': name, [testNodeLabel]: value, type: 'faultline-test' },
      },
      status: {
        allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
        capacity: { cpu: '32', memory: '256Gi', pods: '110' },
      },
    },
  });
  await waitUntil(`the node ${name} to be Ready`, async () => {
    const node = await core.readNode({ name });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
  });
}

export async function deleteNode(name: string): Promise<void> {
  await core.deleteNode({ name }).catch(() => undefined);
}

export async function isCordoned(name: string): Promise<boolean> {
  return (await core.readNode({ name })).spec?.unschedulable === true;
}

/** The run id a run prints first on stderr: "run <id> of <experiment> …". */
export function runIdOf(stderr: string): string {
  const runId = /^run (\S+) of /m.exec(stderr)?.[1];
  if (!runId) throw new Error(`no run id in:\n${stderr}`);
  return runId;
}

/** An experiment holding the given faults for `duration`, sampled every 500 ms (a halt read twice a second). */
export const holdingExperiment = (name: string, duration: string, faults: string[]) =>
  faultOnlyExperiment(name, duration, faults, { every: '500ms' });

export const latencyOn = (proxy: string) =>
  `{ name: slow, start: 500ms, toxiproxy: { url: "\${TOXIPROXY_URL}", proxy: ${proxy}, toxic: latency, attributes: { latency: 300 } } }`;
export const partitionOf = (proxy: string) =>
  `{ name: cut, start: 500ms, partition: { url: "\${TOXIPROXY_URL}", proxy: ${proxy} } }`;
export const cordonOf = (value: string) =>
  `{ name: cordon, start: 500ms, nodeCordon: { selector: "${testNodeLabel}=${value}", count: 1 } }`;
