// A place where the faultline ServiceAccount acts for real, with its own token (as its pods do),
// under the manifests' RBAC and admission policies. It creates, and `remove` deletes: three
// namespaces — one standing for `faultline`, one for the target namespace `shop` (the manifests'
// Roles and policies are moved there), one Faultline was given no Role in — the manifests'
// cluster-wide objects under suffixed names, one kwok node (type=faultline-test, so no other pods
// land on it) and a Deployment of one pod on it in each of the last two namespaces: `web` in the
// target namespace, `outsider` in the other.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  accessKinds,
  kubectl,
  manifests,
  relocate,
  writeManifest,
  writeTokenKubeconfig,
} from './deploy-manifests.ts';
import { waitUntil } from './wait-until.ts';

export const nodeLabel = 'faultline.dev/test-node';

export const json = async <T>(...args: string[]): Promise<T> => {
  const result = await kubectl(...args, '-o', 'json');
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};

type NodeView = {
  metadata: { labels: Record<string, string>; annotations: Record<string, string>; finalizers?: string[] };
  spec: { unschedulable?: boolean; taints?: { key: string }[]; podCIDR?: string };
};

type PodView = { metadata: { name: string; uid: string; namespace: string } };

export const podsOf = async (ns: string) => (await json<{ items: PodView[] }>('get', 'pods', '-n', ns)).items;

export type ServiceAccountFixture = ReturnType<typeof serviceAccountFixture>;

// `setUp` creates it all; `remove` deletes whatever there is, also after a failed `setUp`.
export function serviceAccountFixture(dir: string, name: string) {
  const id = `${name}-${process.pid}`;
  const namespace = `faultline-${id}`;
  const target = `faultline-${id}-shop`;
  const other = `faultline-${id}-other`;
  const node = `faultline-${id}`;
  const nodePolicy = `faultline-node-cordon-only-${id}`;
  const workloadPolicy = `faultline-workload-scale-restart-only-${id}`;
  const manifestFile = join(dir, `access-${id}.yaml`);
  const kubeconfig = join(dir, `token-${id}.kubeconfig`);
  /** kubectl as the ServiceAccount, with its token. */
  const asFaultline = (...args: string[]) => kubectl('--kubeconfig', kubeconfig, ...args);

  async function setUp() {
    for (const ns of [namespace, target, other]) await kubectl('create', 'namespace', ns);
    const objects = relocate(manifests(), namespace, `-${id}`, { target }).filter(
      (object) => object.kind === 'ServiceAccount' || accessKinds.has(object.kind),
    );
    writeManifest(manifestFile, objects);
    const applied = await kubectl('apply', '-f', manifestFile);
    if (applied.exitCode !== 0) throw new Error(`kubectl apply: ${applied.stderr}`);
    await kubectl('create', '-f', writeJson(dir, `node-${id}`, kwokNode(node, id)));
    await kubectl(
      'apply',
      ...['-f', writeJson(dir, `web-${id}`, deploymentOn(target, 'web', id))],
      ...['-f', writeJson(dir, `outsider-${id}`, deploymentOn(other, 'outsider', id))],
    );
    await writeTokenKubeconfig(kubeconfig, namespace);
    // The API server enforces a new policy a moment after it is created: until a dry-run change
    // is refused, requests would prove nothing.
    await waitUntil('the node policy in force', async () => {
      const probe = await asFaultline('annotate', 'node', node, 'example.com/probe=1', '--dry-run=server');
      return probe.stderr.includes(nodePolicy) ? true : undefined;
    });
    await waitUntil('the workload policy in force', async () => {
      const on = ['deployment/web', '-n', target];
      const probe = await asFaultline('annotate', ...on, 'example.com/probe=1', '--dry-run=server');
      return probe.stderr.includes(workloadPolicy) ? true : undefined;
    });
    await kubectl('rollout', 'status', 'deployment/web', '-n', target, '--timeout=60s');
    await kubectl('rollout', 'status', 'deployment/outsider', '-n', other, '--timeout=60s');
  }

  async function remove() {
    await kubectl('delete', 'node', node, '--ignore-not-found', '--wait=false');
    await kubectl('delete', '-f', manifestFile, '--ignore-not-found', '--wait=false');
    for (const ns of [namespace, target, other])
      await kubectl('delete', 'namespace', ns, '--ignore-not-found', '--wait=false');
  }

  // What a request of Faultline's could change of the node (not its status or resourceVersion,
  // which kwok's heartbeats change); the node.kubernetes.io/ taints are the node controller's
  // doing (unschedulable after a cordon; not-ready when a heartbeat is late on a busy machine).
  async function readNode() {
    const { metadata, spec } = await json<NodeView>('get', 'node', node);
    const taints = (spec.taints ?? []).filter((taint) => !taint.key.startsWith('node.kubernetes.io/'));
    const { labels, annotations, finalizers } = metadata;
    return { labels, annotations, finalizers, spec: { ...spec, taints } };
  }

  return {
    id,
    namespace,
    target,
    other,
    node,
    nodePolicy,
    workloadPolicy,
    kubeconfig,
    asFaultline,
    readNode,
    setUp,
    remove,
  };
}

function writeJson(dir: string, name: string, object: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(object));
  return file;
}

const kwokNode = (name: string, id: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    labels: { 'kubernetes.io/hostname': name, [nodeLabel]: id, type: 'faultline-test' },
  },
  status: {
    allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
    capacity: { cpu: '32', memory: '256Gi', pods: '110' },
  },
});

const deploymentOn = (namespace: string, name: string, id: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        nodeSelector: { [nodeLabel]: id },
        containers: [{ name: 'app', image: 'registry.example/faultline/test:1' }],
      },
    },
  },
});
