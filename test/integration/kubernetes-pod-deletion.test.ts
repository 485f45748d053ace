// A pod deletion as the adapter sends it (kubernetes-raw-request.ts: prepared by the client, sent
// with undici's request(), the answer asked for in protobuf and not read) against the real
// kube-apiserver: a dry run deletes nothing, a real one deletes with the grace period asked for,
// and every refusal is the same AdapterError, with the server's own message, as before.
// Needs: kube-apiserver + kube-controller-manager + kube-scheduler + kwok (the pool=web nodes).
// Creates a namespace of its own with two pods without an owner, and one bound to a node that does
// not exist and held by a finalizer (so its deletion stays to be read: kwok does not see it);
// the finalizer is taken off and the namespace deleted afterwards.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import { AdapterError } from '../../src/adapters/adapter-error.ts';
import { createKubernetesAdapter } from '../../src/adapters/kubernetes.ts';
import { freePort } from '../helpers/free-port.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(sandbox.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const namespace = `faultline-delete-${Date.now().toString(36)}`;
const directory = mkdtempSync(join(tmpdir(), 'faultline-pod-deletion-'));
const kubernetes = createKubernetesAdapter({ kubeconfig: sandbox.KUBECONFIG });
const uids = new Map<string, string>();

const held = 'held';

test.before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const heldPod = await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: held, finalizers: ['faultline.dev/test-hold'] },
      spec: {
        nodeName: 'no-such-node',
        terminationGracePeriodSeconds: 30,
        containers: [{ name: 'app', image: 'registry.example/faultline/test:1' }],
      },
    },
  });
  uids.set(held, heldPod.metadata?.uid ?? '');
  for (const name of ['kept', 'deleted'])
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name },
        spec: {
          nodeSelector: { pool: 'web' },
          containers: [{ name: 'app', image: 'registry.example/faultline/test:1' }],
        },
      },
    });
  await waitUntil(
    'both pods Running',
    async () => {
      const list = await core.listNamespacedPod({ namespace, fieldSelector: 'status.phase=Running' });
      for (const pod of list.items) uids.set(pod.metadata?.name ?? '', pod.metadata?.uid ?? '');
      return list.items.length === 2 || undefined;
    },
    { timeoutMs: 90_000 },
  );
});

test.after.always(async () => {
  const pod = await readPod(held).catch(() => undefined);
  if (pod) {
    pod.metadata = { ...pod.metadata, finalizers: [] };
    await core.replaceNamespacedPod({ namespace, name: held, body: pod }).catch(() => undefined);
  }
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  rmSync(directory, { recursive: true, force: true });
});

const readPod = (name: string) => core.readNamespacedPod({ namespace, name });

async function refusal(work: Promise<unknown>): Promise<AdapterError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(error)}`);
  return error;
}

// A DELETE with a body has its options read from the body alone: a dry run or a grace period left
// in the query beside a uid precondition was ignored (a dry run deleted; 0 s became 30 s).
test.serial('a dry-run deletion, with the uid and a grace period, deletes nothing', async (t) => {
  for (const name of ['kept', held]) {
    const uid = uids.get(name);
    await kubernetes.deletePod(namespace, name, { uid, gracePeriodSeconds: 0, dryRun: true });
    const pod = await readPod(name);
    t.is(pod.metadata?.uid, uid);
    t.is(pod.metadata?.deletionTimestamp, undefined, `${name} not being deleted`);
  }
});

test.serial('a deletion with the uid and a grace period of 0 s is made with 0 s', async (t) => {
  await kubernetes.deletePod(namespace, held, { uid: uids.get(held), gracePeriodSeconds: 0 });
  const pod = await readPod(held);
  t.not(pod.metadata?.deletionTimestamp, undefined, 'being deleted (held by its finalizer)');
  t.is(pod.metadata?.deletionGracePeriodSeconds, 0, "not the pod's own 30 s");
});

test.serial(
  "a uid that is not the pod's: a conflict with the server's message; nothing deleted",
  async (t) => {
    const error = await refusal(kubernetes.deletePod(namespace, 'kept', { uid: 'not-its-uid' }));
    t.is(error.failure, 'conflict');
    t.is(error.status, 409);
    t.true(
      error.message.startsWith(
        `kubernetes: delete pod ${namespace}/kept: Operation cannot be fulfilled on Pod`,
      ),
      error.message,
    );
    t.regex(error.message, /the UID in the precondition \(not-its-uid\) does not match .* \(HTTP 409\)$/);
    t.is((await readPod('kept')).metadata?.deletionTimestamp, undefined);
  },
);

test.serial('a pod that does not exist: not-found, in the words the server used', async (t) => {
  const error = await refusal(kubernetes.deletePod(namespace, 'nobody', { dryRun: true }));
  t.is(error.failure, 'not-found');
  t.is(error.message, `kubernetes: delete pod ${namespace}/nobody: pods "nobody" not found (HTTP 404)`);
});

test.serial('a real deletion with the right uid removes the pod', async (t) => {
  await kubernetes.deletePod(namespace, 'deleted', { uid: uids.get('deleted'), gracePeriodSeconds: 0 });
  const gone = await readPod('deleted').then(
    (pod) => pod.metadata?.deletionTimestamp !== undefined,
    (error: { code?: number }) => error.code === 404,
  );
  t.true(gone, 'deleted, or being deleted');
  t.is((await readPod('kept')).metadata?.uid, uids.get('kept'), 'the other pod untouched');
});

test.serial('an API server that cannot be reached: unreachable, with the network code', async (t) => {
  const port = await freePort();
  const kubeconfig = join(directory, 'unreachable.kubeconfig');
  const text = readFileSync(sandbox.KUBECONFIG, 'utf8');
  writeFileSync(kubeconfig, text.replace(/https:\/\/127\.0\.0\.1:\d+/, `https://127.0.0.1:${port}`));
  const unreachable = createKubernetesAdapter({ kubeconfig });
  const error = await refusal(unreachable.deletePod(namespace, 'kept', { dryRun: true }));
  t.is(error.failure, 'unreachable');
  t.is(
    error.message,
    `kubernetes: delete pod ${namespace}/kept: cannot reach the API server at https://127.0.0.1:${port} (ECONNREFUSED)`,
  );
});
