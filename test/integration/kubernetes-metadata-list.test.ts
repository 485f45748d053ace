// Metadata-only lists in protobuf against the real kube-apiserver: the same pods, uids, labels and
// owners as the full JSON list, page by page, and the server's own error for a bad request.
// Needs: kube-apiserver + kube-controller-manager + kube-scheduler + kwok (the pool=web nodes).
// Creates a namespace of its own (nine one-pod Deployments and a pod without an owner), deleted
// afterwards.
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  ServerConfiguration,
} from '@kubernetes/client-node';
import test from 'ava';
import { AdapterError } from '../../src/adapters/adapter-error.ts';
import { createKubernetesAdapter } from '../../src/adapters/kubernetes.ts';
import { createMetadataLister } from '../../src/adapters/kubernetes-metadata-list.ts';
import { createRawRequester } from '../../src/adapters/kubernetes-raw-request.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(sandbox.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const namespace = `faultline-meta-${Date.now().toString(36)}`;
const deployments = Array.from({ length: 9 }, (_, index) => `d${index}`);
const podSpec = {
  nodeSelector: { pool: 'web' },
  containers: [{ name: 'app', image: 'registry.example/faultline/test:1' }],
};

test.before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const name of deployments)
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name, tier: 'meta' } }, spec: podSpec },
        },
      },
    });
  await core.createNamespacedPod({
    namespace,
    body: { metadata: { name: 'bare', labels: { app: 'bare', tier: 'meta' } }, spec: podSpec },
  });
  await waitUntil(
    '10 pods Running',
    async () => {
      const list = await core.listNamespacedPod({ namespace, fieldSelector: 'status.phase=Running' });
      return list.items.length === 10 || undefined;
    },
    { timeoutMs: 90_000 },
  );
});

test.after.always(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

const comparable = (pod: {
  name: string;
  uid: string;
  labels: Record<string, string>;
  controller?: { kind: string; name: string };
  isTerminating: boolean;
}) =>
  JSON.stringify([
    pod.name,
    pod.uid,
    pod.labels,
    pod.controller?.kind,
    pod.controller?.name,
    pod.isTerminating,
  ]);

test('pages of two: the same pods, uids, labels and controllers as the full list', async (t) => {
  const kubernetes = createKubernetesAdapter({ kubeconfig: sandbox.KUBECONFIG, metadataPageSize: 2 });
  const running = 'status.phase=Running';
  const [metadata, full] = await Promise.all([
    kubernetes.listPodMetadata(namespace, 'tier=meta', running),
    kubernetes.listPods(namespace, 'tier=meta', running),
  ]);
  t.is(metadata.length, 10, 'five pages of two, all read');
  t.deepEqual(metadata.map(comparable).sort(), full.map(comparable).sort());
  t.true(metadata.every((pod) => pod.namespace === namespace));
  t.is(metadata.find((pod) => pod.name === 'bare')?.controller, undefined, 'the bare pod has no owner');
  t.deepEqual(await kubernetes.listPodMetadata(namespace, 'app=none'), []);
});

test("the namespace's ReplicaSets listed once name their Deployments; resolveOwner agrees", async (t) => {
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(kubeConfig.getCurrentCluster()?.server ?? '', {}),
    authMethods: { default: kubeConfig },
  });
  const send = createRawRequester(configuration, 'faultline (test)');
  const owners = await createMetadataLister(send).replicaSetOwners(namespace);
  t.is(owners.size, 9);
  for (const [replicaSet, owner] of owners) {
    t.regex(replicaSet, /^d\d-[a-z0-9]+$/);
    t.like(owner, { apiVersion: 'apps/v1', kind: 'Deployment', name: replicaSet.split('-')[0] });
  }
  const kubernetes = createKubernetesAdapter({ kubeconfig: sandbox.KUBECONFIG });
  const pods = await kubernetes.listPodMetadata(namespace, 'tier=meta');
  const resolved = await Promise.all(pods.map((pod) => kubernetes.resolveOwner(pod)));
  t.deepEqual(
    resolved.map((owner) => owner && `${owner.kind}/${owner.name}`).sort(),
    [...deployments.map((name) => `Deployment/${name}`), undefined].sort(),
  );
});

test('a selector the server refuses: its own message (a JSON Status here), as an AdapterError', async (t) => {
  const kubernetes = createKubernetesAdapter({ kubeconfig: sandbox.KUBECONFIG });
  const error = await t.throwsAsync(kubernetes.listPodMetadata(namespace, undefined, 'spec.nope=x'));
  t.true(error instanceof AdapterError);
  t.is((error as AdapterError).failure, 'invalid');
  t.is(
    error?.message,
    `kubernetes: list pods in namespace ${namespace}: field label not supported: spec.nope (HTTP 400)`,
  );
});
