// podKill, nodeDrain and `faultline recover` driven through the CLI against the sandbox's cluster.
// Needs: kube-apiserver + kube-controller-manager + kube-scheduler + kwok (the 3 fake nodes, the
// Deployment shop/checkout with 3 replicas). No Toxiproxy, no Prometheus.
//
// What it creates, and deletes afterwards: a namespace of its own, one more kwok node
// (`faultline-drain-test`, outside pool=web so nothing else lands on it) and Deployments there.
// It kills two checkout pods once (they are replaced within a second) and never drains or
// cordons the sandbox's own nodes.
//
// Why a Deployment of its own for "atLeast 3 deviates": kwok makes a replacement Ready about 60 ms
// after the kill (watched with `kubectl get -w`: 3 -> 1 -> 3 Ready within 67 ms), shorter than any
// sensible probe interval, so a probe on checkout sees the dip only by luck. `slow-start` has a
// scheduling gate that this test lifts 2 s after each pod is created: its pods take 2 s to start,
// like an application with a slow start-up, and the dip is there to be seen.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import test from 'ava';
import { cordonAnnotation } from '../../src/adapters/kubernetes.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { readLedgerLines } from '../../src/ledger/fault-ledger.ts';
import { runFaultline, startFaultline } from '../helpers/faultline-process.ts';
import { journalOf, writeExperimentFile } from '../helpers/run-journal.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(sandbox.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const policy = kubeConfig.makeApiClient(PolicyV1Api);
const dir = mkdtempSync(join(tmpdir(), 'faultline-k8s-'));
const namespace = `faultline-k8s-${Date.now().toString(36)}`;
const testNode = 'faultline-drain-test';
const testNodeLabel = 'faultline.dev/test-node';
const gate = 'faultline.dev/slow-start';
const startDelayMs = 2_000;
let fileCount = 0;

function freshEnv(): NodeJS.ProcessEnv & { FAULTLINE_LEDGER: string } {
  fileCount++;
  return {
    ...process.env,
    ...sandbox,
    FAULTLINE_LEDGER: join(dir, `ledger-${fileCount}.jsonl`),
    NO_COLOR: '1',
  };
}

const writeExperiment = (name: string, body: string) => writeExperimentFile(dir, name, body);

const readyReplicasProbe = (ns: string, deployment: string, atLeast: number) => `
  hypothesis:
    probes:
      - name: ${deployment}-ready
        kubernetes: { kind: Deployment, namespace: ${ns}, name: ${deployment}, field: status.readyReplicas }
        expect: { atLeast: ${atLeast} }
    during: { every: 200ms, failAfter: 1 }`;

const isReady = (pod: V1Pod) =>
  pod.metadata?.deletionTimestamp == null &&
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function readyPods(ns: string, selector: string): Promise<string[]> {
  const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: selector });
  return pods.items.filter(isReady).map((pod) => pod.metadata?.name ?? '');
}

const waitForReady = (ns: string, selector: string, count: number, timeoutMs = 60_000) =>
  waitUntil(
    `${count} Ready pods ${selector} in ${ns}`,
    async () => {
      const ready = await readyPods(ns, selector);
      return ready.length === count ? ready : undefined;
    },
    { timeoutMs },
  );

async function createDeployment(
  name: string,
  replicas: number,
  spec: { nodeSelector: Record<string, string>; gated?: boolean },
) {
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            nodeSelector: spec.nodeSelector,
            terminationGracePeriodSeconds: 30,
            ...(spec.gated ? { schedulingGates: [{ name: gate }] } : {}),
            containers: [{ name: 'app', image: 'registry.example/faultline/test:1' }],
          },
        },
      },
    },
  });
}

// Stands in for a slow start-up: lifts the scheduling gate of each pod 2 s after it was first seen
// (creationTimestamp has whole seconds only, too coarse for this).
let stopStarter = false;
async function runSlowStarter() {
  const firstSeen = new Map<string, number>();
  while (!stopStarter) {
    try {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=slow-start' });
      for (const pod of pods.items) {
        const uid = pod.metadata?.uid ?? '';
        if (!firstSeen.has(uid)) firstSeen.set(uid, Date.now());
        const seenFor = Date.now() - (firstSeen.get(uid) ?? Date.now());
        if (!pod.spec?.schedulingGates?.length || seenFor < startDelayMs) continue;
        const name = pod.metadata?.name ?? '';
        const body = [{ op: 'remove', path: '/spec/schedulingGates' }];
        await core.patchNamespacedPod({ namespace, name, body }).catch(() => undefined);
      }
    } catch {
      // the namespace is going away
    }
    await sleep(100);
  }
}

async function nodeState() {
  const node = await core.readNode({ name: testNode });
  return {
    unschedulable: node.spec?.unschedulable === true,
    mark: node.metadata?.annotations?.[cordonAnnotation],
  };
}

test.before(async () => {
  await core.deleteNode({ name: testNode }).catch(() => undefined);
  await waitUntil('the old test node to be gone', async () =>
    (await core.readNode({ name: testNode }).then(
      () => false,
      () => true,
    ))
      ? true
      : undefined,
  );
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNode({
    body: {
      metadata: {
        name: testNode,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: { 'kubernetes.io/hostname': testNode, [testNodeLabel]: 'drain', type: 'faultline-test' },
      },
      status: {
        allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
        capacity: { cpu: '32', memory: '256Gi', pods: '110' },
      },
    },
  });
  await waitUntil('the test node to be Ready', async () => {
    const node = await core.readNode({ name: testNode });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
  });
  void runSlowStarter();
  await createDeployment('drain-target', 2, { nodeSelector: { [testNodeLabel]: 'drain' } });
  await createDeployment('slow-start', 3, { nodeSelector: { type: 'kwok' }, gated: true });
  await waitForReady(namespace, 'app=drain-target', 2);
  await waitForReady(namespace, 'app=slow-start', 3);
  await waitForReady('shop', 'app=checkout', 3);
});

test.after.always(async () => {
  stopStarter = true;
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  await core.deleteNode({ name: testNode }).catch(() => undefined);
});

test.serial('kill 2 of the 3 checkout pods: replacements Ready, readyReplicas atLeast 1 holds', async (t) => {
  const before = await waitForReady('shop', 'app=checkout', 3);
  const file = writeExperiment(
    'kill-two-checkout',
    `  duration: 3s${readyReplicasProbe('shop', 'checkout', 1)}
  faults:
    - name: kill-two
      podKill: { namespace: shop, selector: app=checkout, count: 2, gracePeriod: 0s }
      start: 500ms
  safety: { namespaces: [shop] }
`,
  );
  const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], freshEnv());
  t.is(result.exitCode, ExitCode.held, result.stderr + result.stdout);
  const journal = journalOf(result.stdout);
  const actions = journal.faults[0]?.actions ?? [];
  t.is(actions.length, 2);
  const killed = actions.map((a) => a.target.replace('pod/shop/', ''));
  for (const name of killed) t.true(before.includes(name), `${name} was one of the checkout pods`);
  for (const action of actions) {
    t.is(action.owner, 'Deployment/checkout');
    t.truthy(action.injectedAt);
    t.is(action.effect?.outcome, 'ready', JSON.stringify(action.effect));
    t.true((action.effect?.afterMs ?? -1) >= 0);
  }
  t.log(`checkout fully Ready again ${actions[0]?.effect?.afterMs} ms after the kill`);
  const after = await waitForReady('shop', 'app=checkout', 3);
  t.deepEqual(
    after.filter((name) => killed.includes(name)),
    [],
    'both killed pods were replaced',
  );
});

test.serial(
  'kill 2 of 3 slow-starting pods: readyReplicas atLeast 3 with failAfter 1 deviates',
  async (t) => {
    await waitForReady(namespace, 'app=slow-start', 3);
    const file = writeExperiment(
      'kill-two-slow-start',
      `  duration: 5s${readyReplicasProbe(namespace, 'slow-start', 3)}
  faults:
    - name: kill-two
      podKill: { namespace: ${namespace}, selector: app=slow-start, count: 2, gracePeriod: 0s }
      start: 500ms
  recovery: 4s
  safety: { namespaces: [${namespace}] }
`,
    );
    const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], freshEnv());
    t.is(result.exitCode, ExitCode.deviated, result.stderr + result.stdout);
    const journal = journalOf(result.stdout);
    t.regex(
      journal.reason ?? '',
      /slow-start-ready deviated 1 times in a row: Deployment .*slow-start status\.readyReplicas = [12],/,
    );
    const actions = journal.faults[0]?.actions ?? [];
    t.is(actions.length, 2, 'the kill happened');
    for (const action of actions) {
      t.is(action.owner, 'Deployment/slow-start');
      t.is(action.effect?.outcome, 'ready', JSON.stringify(action.effect));
      t.true((action.effect?.afterMs ?? 0) >= startDelayMs, `Ready again after ${action.effect?.afterMs} ms`);
    }
    const killedAt = Math.min(...actions.map((a) => a.injectedAt ?? 0));
    t.true((journal.firstDeviation?.at ?? 0) >= killedAt, 'the deviation came after the kill');
    await waitForReady(namespace, 'app=slow-start', 3);
  },
);

const pdbName = 'drain-target-pdb';
const drainExperiment = (name: string, timeout: string, duration = '6s') =>
  writeExperiment(
    name,
    `  duration: ${duration}${readyReplicasProbe(namespace, 'drain-target', 0)}
  faults:
    - name: drain-test-node
      nodeDrain: { selector: "${testNodeLabel}=drain", count: 1, timeout: ${timeout} }
      start: 200ms
  safety: { namespaces: [${namespace}], maxNodes: 1 }
`,
  );

async function withBudget<T>(work: () => Promise<T>): Promise<T> {
  await policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: {
      metadata: { name: pdbName },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'drain-target' } } },
    },
  });
  try {
    await waitUntil('the disruption controller to process the budget', async () => {
      const budget = await policy.readNamespacedPodDisruptionBudget({ namespace, name: pdbName });
      return (budget.status?.observedGeneration ?? 0) >= 1 ? budget : undefined;
    });
    return await work();
  } finally {
    await policy.deleteNamespacedPodDisruptionBudget({ namespace, name: pdbName });
  }
}

test.serial(
  'drain under a PDB with minAvailable = replicas: blocked, the verdict names the PDB, uncordoned',
  async (t) => {
    await waitForReady(namespace, 'app=drain-target', 2);
    await withBudget(async () => {
      const file = drainExperiment('drain-blocked', '2s');
      const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], freshEnv());
      t.is(result.exitCode, ExitCode.environmentError, result.stderr + result.stdout);
      const journal = journalOf(result.stdout);
      t.is(journal.verdict, 'error');
      t.regex(
        journal.reason ?? '',
        new RegExp(`drain of node ${testNode} blocked by PodDisruptionBudget ${namespace}/${pdbName}`),
      );
      t.regex(result.stdout, new RegExp(`verdict: error — .*PodDisruptionBudget ${namespace}/${pdbName}`));
      const [action] = journal.faults[0]?.actions ?? [];
      t.is(action?.effect?.outcome, 'blocked');
      t.is(action?.effect?.podDisruptionBudget, `${namespace}/${pdbName}`);
      t.is(action?.revert, 'reverted');
      t.deepEqual(await nodeState(), { unschedulable: false, mark: undefined }, 'uncordoned, mark removed');
      t.is((await readyPods(namespace, 'app=drain-target')).length, 2, 'nothing was evicted');
    });
  },
);

test.serial('drain without a budget: every pod evicted and gone, then the node is uncordoned', async (t) => {
  const before = await waitForReady(namespace, 'app=drain-target', 2);
  const result = await runFaultline(
    ['run', drainExperiment('drain-ok', '30s', '4s'), '--report-dir', join(dir, 'reports')],
    freshEnv(),
  );
  t.is(result.exitCode, ExitCode.held, result.stderr + result.stdout);
  const [action] = journalOf(result.stdout).faults[0]?.actions ?? [];
  t.is(action?.effect?.outcome, 'drained', JSON.stringify(action?.effect));
  t.deepEqual(action?.effect?.evicted?.slice().sort(), before.map((name) => `${namespace}/${name}`).sort());
  t.log(action?.effect?.detail);
  t.deepEqual(await nodeState(), { unschedulable: false, mark: undefined });
  const after = await waitForReady(namespace, 'app=drain-target', 2);
  t.deepEqual(
    after.filter((name) => before.includes(name)),
    [],
    'replacements came back to the node',
  );
});

for (const withLedger of [true, false]) {
  test.serial(
    `kill -9 mid-drain, then recover ${withLedger ? 'from the ledger' : 'without the ledger file, from the run’s Lease in the cluster'}: schedulable again`,
    async (t) => {
      await waitForReady(namespace, 'app=drain-target', 2);
      await withBudget(async () => {
        const env = freshEnv();
        const run = startFaultline(
          [
            'run',
            drainExperiment(`drain-killed-${withLedger}`, '60s', '60s'),
            '--report-dir',
            join(dir, 'reports'),
          ],
          env,
        );
        await run.waitForOutput(/injected: drain-test-node: node faultline-drain-test cordoned/);
        const runId = /run (\S+) of/.exec(run.stderr())?.[1];
        await sleep(500); // mid-drain: the evictions are being refused and retried
        // Its guard first, then the run, as when their machine dies: only `recover` is left to do it
        // (a run killed alone is reverted by its guard: test/integration/run-guard.test.ts).
        const guardPid = Number(/^guard (\d+) ready/m.exec(run.stderr())?.[1]);
        t.true(guardPid > 0, run.stderr());
        process.kill(guardPid, 'SIGKILL');
        run.child.kill('SIGKILL');
        await run.exited;
        t.deepEqual(
          await nodeState(),
          { unschedulable: true, mark: runId },
          'the killed run left its cordon',
        );
        const ledgerLines = readLedgerLines(env.FAULTLINE_LEDGER);
        t.deepEqual(
          ledgerLines.map((l) => l.type),
          ['open'],
          'the undo was in the ledger before the cordon',
        );
        // Without TOXIPROXY_URL: recover must not touch toxics of other tests running on the sandbox.
        const { TOXIPROXY_URL: _, ...recoverEnv } = env;
        const ledger = withLedger ? env.FAULTLINE_LEDGER : join(dir, `empty-${fileCount}.jsonl`);
        const recovered = await runFaultline(['recover', '--ledger', ledger], recoverEnv);
        t.is(recovered.exitCode, 0, recovered.stderr + recovered.stdout);
        t.regex(
          recovered.stdout,
          new RegExp(
            `reverted node ${testNode} cordoned in https://127\\.0\\.0\\.1:\\d+ \\(${withLedger ? 'ledger' : 'cluster'}: reverted\\)`,
          ),
        );
        t.deepEqual(await nodeState(), { unschedulable: false, mark: undefined }, 'schedulable again');
        const again = await runFaultline(['recover', '--ledger', ledger], recoverEnv);
        t.regex(again.stdout, /nothing to recover/);
      });
    },
  );
}
