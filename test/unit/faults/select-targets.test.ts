import test from 'ava';
import { AdapterError } from '../../../src/adapters/adapter-error.ts';
import type { Node, OwnerRef, Pod } from '../../../src/adapters/kubernetes.ts';
import type { ProxyState } from '../../../src/adapters/toxiproxy.ts';
import { type Experiment, normalizeExperiment } from '../../../src/experiment/experiment.ts';
import { matchesLabels, parseLabelSelector } from '../../../src/experiment/label-selector.ts';
import type { ExperimentDocument, FaultDocument } from '../../../src/experiment/schema.ts';
import type { SelectContext } from '../../../src/faults/fault-driver.ts';
import { type FaultPlan, selectFault } from '../../../src/faults/fault-drivers.ts';
import type { NodePlan } from '../../../src/faults/node-targets.ts';
import type { PodKillPlan } from '../../../src/faults/pod-kill.ts';
import type { ProxyPlan } from '../../../src/faults/proxy-target.ts';
import { parseOptInLabel } from '../../../src/selection/opt-in-label.ts';
import { countToPick } from '../../../src/selection/select-targets.ts';
import { fieldsMatch } from '../../helpers/memory-kubernetes.ts';

type SelectionClients = Pick<SelectContext, 'kubernetes' | 'toxiproxy'>;
type FaultSpec = FaultDocument;

// Every fault's targets, one after another, as `plan` and `run` pick them.
async function selectTargets(experiment: Experiment, clients: SelectionClients, seed: number) {
  const optIn = experiment.spec.safety?.optInLabel;
  const context = { ...clients, seed, optIn: optIn ? parseOptInLabel(optIn) : undefined };
  const plans: FaultPlan[] = [];
  for (const fault of experiment.spec.faults) plans.push(await selectFault(fault, context));
  return plans;
}

function makePod(name: string, overrides: Partial<Pod> = {}): Pod {
  return {
    namespace: 'shop',
    name,
    uid: `uid-${name}`,
    labels: { app: 'checkout' },
    annotations: {},
    nodeName: 'node-a',
    phase: 'Running',
    isTerminating: false,
    controller: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-abc' },
    usesEmptyDir: false,
    isReady: true,
    ...overrides,
  };
}

function makeNode(name: string, overrides: Partial<Node> = {}): Node {
  return {
    name,
    labels: { pool: 'web' },
    annotations: {},
    isUnschedulable: false,
    resourceVersion: '1',
    ...overrides,
  };
}

// An in-memory cluster: label selectors as the server applies them, the pod field selectors Faultline sends.
function fakeClients(cluster: { pods?: Pod[]; nodes?: Node[]; proxies?: ProxyState[] }) {
  const calls = { listPods: 0, resolveOwner: 0, kubernetes: 0 };
  const select = (selector: string | undefined, labels: Record<string, string>) => {
    if (!selector) return true;
    const parsed = parseLabelSelector(selector);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return matchesLabels(parsed.selector, labels);
  };
  const clients: SelectionClients = {
    kubernetes: () => {
      calls.kubernetes += 1;
      return {
        async listPods(namespace, labelSelector, fieldSelector) {
          calls.listPods += 1;
          return (cluster.pods ?? []).filter(
            (pod) =>
              (namespace === undefined || pod.namespace === namespace) &&
              select(labelSelector, pod.labels) &&
              fieldsMatch(fieldSelector, pod),
          );
        },
        async listPodMetadata(namespace, labelSelector, fieldSelector) {
          const pods = await this.listPods(namespace, labelSelector, fieldSelector);
          return pods.map(({ namespace, name, uid, labels, isTerminating, controller }) => ({
            ...{ namespace, name, uid, labels, isTerminating, controller },
          }));
        },
        async listNodes(labelSelector) {
          return (cluster.nodes ?? []).filter((node) => select(labelSelector, node.labels));
        },
        async resolveOwner(pod): Promise<OwnerRef | undefined> {
          calls.resolveOwner += 1;
          return pod.controller?.kind === 'ReplicaSet'
            ? { kind: 'Deployment', name: 'checkout' }
            : pod.controller;
        },
        async readRollout() {
          return undefined;
        },
        async listAutoscalers() {
          return [];
        },
      };
    },
    toxiproxy: (url) => ({
      url,
      async getProxy(name) {
        if (url.includes('unreachable'))
          throw new AdapterError(`toxiproxy ${url}`, 'unreachable', 'cannot connect');
        return (cluster.proxies ?? []).find((proxy) => proxy.name === name);
      },
    }),
  };
  return { clients, calls };
}

function experimentWith(faults: FaultSpec[], safety?: Experiment['spec']['safety']): Experiment {
  return normalizeExperiment({
    apiVersion: 'faultline.dev/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'test' },
    spec: {
      duration: '1m',
      hypothesis: { probes: [{ name: 'p', command: { run: ['true'] }, expect: { exitCode: 0 } }] },
      faults,
      ...(safety ? { safety } : {}),
    },
  } satisfies ExperimentDocument);
}

const checkoutPods = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6'].map((name) => makePod(name));

async function planOne<T extends FaultPlan>(
  fault: FaultSpec,
  cluster: Parameters<typeof fakeClients>[0],
  seed = 1,
  safety?: Experiment['spec']['safety'],
) {
  const { clients } = fakeClients(cluster);
  const [plan] = await selectTargets(experimentWith([fault], safety), clients, seed);
  return plan as T;
}

test('countToPick: count is capped by what is available; percent rounds up, at least 1 above 0', (t) => {
  t.is(countToPick({ count: 2 }, 3), 2);
  t.is(countToPick({ count: 5 }, 3), 3);
  t.is(countToPick({ percent: 50 }, 3), 2);
  t.is(countToPick({ percent: 1 }, 3), 1);
  t.is(countToPick({ percent: 0.1 }, 1000), 1);
  t.is(countToPick({ percent: 0 }, 3), 0);
  t.is(countToPick({ percent: 100 }, 3), 3);
  t.is(countToPick({ percent: 50 }, 0), 0);
  t.is(countToPick({ percent: 10 }, 10_000), 1_000);
});

test('podKill picks count pods among those matching, with their owner, from metadata alone', async (t) => {
  const plan = await planOne<PodKillPlan>(
    { name: 'kill', podKill: { namespace: 'shop', selector: 'app=checkout', count: 2, gracePeriod: '10s' } },
    { pods: [...checkoutPods, makePod('other', { labels: { app: 'cart' } })] },
  );
  t.is(plan.kind, 'podKill');
  t.is(plan.pods.length, 2);
  t.is(plan.running, 6);
  t.is(plan.gracePeriodSeconds, 10);
  for (const pod of plan.pods) {
    t.regex(pod.name, /^c-\d$/);
    t.deepEqual(pod.owner, { kind: 'Deployment', name: 'checkout' });
    t.is(pod.node, undefined, 'a metadata-only list has no node');
  }
});

test('podKill percent: 50% of 3 is 2', async (t) => {
  const plan = await planOne<PodKillPlan>(
    { name: 'kill', podKill: { namespace: 'shop', selector: 'app=checkout', percent: 50 } },
    { pods: checkoutPods.slice(0, 3) },
  );
  t.is(plan.pods.length, 2);
});

test('podKill without count or percent kills one pod', async (t) => {
  const plan = await planOne<PodKillPlan>(
    { name: 'kill', podKill: { namespace: 'shop', selector: 'app=checkout' } },
    { pods: checkoutPods },
  );
  t.is(plan.pods.length, 1);
});

test('podKill never picks a terminating pod or one that is not Running, and says why', async (t) => {
  const pods = [
    makePod('going', { isTerminating: true }),
    makePod('pending', { phase: 'Pending' }),
    makePod('done', { phase: 'Succeeded' }),
    makePod('live'),
  ];
  for (let seed = 0; seed < 20; seed += 1) {
    const plan = await planOne<PodKillPlan>(
      { name: 'kill', podKill: { namespace: 'shop', selector: 'app=checkout', count: 3 } },
      { pods },
      seed,
    );
    t.deepEqual(
      plan.pods.map((pod) => pod.name),
      ['live'],
    );
    t.is(plan.running, 1);
  }
  const plan = await planOne<PodKillPlan>(
    { name: 'kill', podKill: { namespace: 'shop', selector: 'app=checkout', count: 3 } },
    { pods },
  );
  t.deepEqual(
    plan.excluded.map((item) => `${item.name}: ${item.reason}`),
    ['done: not Running (Succeeded)', 'going: already terminating', 'pending: not Running (Pending)'],
  );
  t.deepEqual(plan.notes, ['asks for 3 pods, only 1 can be picked']);
});

test('the same seed picks the same pods, whatever order the server lists them in', async (t) => {
  const fault: FaultSpec = {
    name: 'kill',
    podKill: { namespace: 'shop', selector: 'app=checkout', count: 3 },
  };
  const first = await planOne<PodKillPlan>(fault, { pods: checkoutPods }, 777);
  const again = await planOne<PodKillPlan>(fault, { pods: [...checkoutPods].reverse() }, 777);
  t.deepEqual(
    again.pods.map((pod) => pod.name),
    first.pods.map((pod) => pod.name),
  );
  const picks = new Set<string>();
  for (let seed = 0; seed < 10; seed += 1) {
    const plan = await planOne<PodKillPlan>(fault, { pods: checkoutPods }, seed);
    picks.add(plan.pods.map((pod) => pod.name).join(','));
  }
  t.true(picks.size > 1, 'different seeds pick differently');
});

test('the opt-in label excludes targets without it before the pick, and the plan says so', async (t) => {
  const pods = [
    makePod('in-1', { labels: { app: 'checkout', chaos: 'yes' } }),
    makePod('in-2', { labels: { app: 'checkout', chaos: 'yes' } }),
    makePod('out'),
  ];
  const plan = await planOne<PodKillPlan>(
    { name: 'kill', podKill: { namespace: 'shop', selector: 'app=checkout', count: 2 } },
    { pods },
    3,
    { optInLabel: 'chaos=yes' },
  );
  t.deepEqual(plan.pods.map((pod) => pod.name).sort(), ['in-1', 'in-2']);
  t.deepEqual(plan.excluded, [{ namespace: 'shop', name: 'out', reason: 'no opt-in label chaos=yes' }]);
  t.is(plan.running, 3, 'maxPodsPercent still counts every Running pod');
});

test('a selector that matches nothing is a note, not an error', async (t) => {
  const plan = await planOne<PodKillPlan>(
    { name: 'kill', podKill: { namespace: 'shop', selector: 'app=nothing' } },
    { pods: checkoutPods },
  );
  t.deepEqual(plan.pods, []);
  t.deepEqual(plan.notes, ['no pod in shop matches app=nothing']);
});

test('nodeDrain picks schedulable nodes and lists what it would evict, skipping DaemonSet and mirror pods', async (t) => {
  const nodes = [
    makeNode('node-a'),
    makeNode('node-b', { isUnschedulable: true }),
    makeNode('gpu', { labels: { pool: 'gpu' } }),
  ];
  const pods = [
    makePod('web-1', { nodeName: 'node-a' }),
    makePod('web-2', { nodeName: 'node-b' }),
    makePod('logger', { nodeName: 'node-a', controller: { kind: 'DaemonSet', name: 'fluentd' } }),
    makePod('static', {
      nodeName: 'node-a',
      annotations: { 'kubernetes.io/config.mirror': 'abc' },
      controller: { kind: 'Node', name: 'node-a' },
    }),
    makePod('leaving', { nodeName: 'node-a', isTerminating: true }),
    makePod('db-0', {
      namespace: 'data',
      nodeName: 'node-a',
      labels: { app: 'db' },
      controller: { kind: 'StatefulSet', name: 'db' },
    }),
  ];
  const plan = await planOne<NodePlan>(
    { name: 'drain', nodeDrain: { selector: 'pool=web', count: 2 } },
    { nodes, pods },
  );
  t.is(plan.kind, 'nodeDrain');
  t.is(plan.schedulable, 1);
  t.deepEqual(
    plan.nodes.map((node) => node.name),
    ['node-a'],
  );
  t.deepEqual(plan.excluded, [{ name: 'node-b', reason: 'already unschedulable' }]);
  t.deepEqual(plan.notes, ['asks for 2 nodes, only 1 can be picked']);
  const [node] = plan.nodes;
  t.deepEqual(node?.evictions, [
    {
      namespace: 'data',
      name: 'db-0',
      uid: 'uid-db-0',
      node: 'node-a',
      owner: { kind: 'StatefulSet', name: 'db' },
    },
    {
      namespace: 'shop',
      name: 'web-1',
      uid: 'uid-web-1',
      node: 'node-a',
      owner: { kind: 'Deployment', name: 'checkout' },
    },
  ]);
  t.deepEqual(
    node?.skipped.map((pod) => `${pod.name}: ${pod.reason}`),
    ['logger: DaemonSet pod', 'static: mirror pod', 'leaving: already terminating'],
  );
});

test('nodeDrain lists apart the pods that would make it fail: emptyDir data, no controller', async (t) => {
  const pods = [
    makePod('cache', { nodeName: 'node-a', usesEmptyDir: true }),
    makePod('bare', { nodeName: 'node-a', controller: undefined }),
    makePod('web-1', { nodeName: 'node-a' }),
  ];
  const strict = await planOne<NodePlan>(
    { name: 'drain', nodeDrain: { selector: 'pool=web' } },
    { nodes: [makeNode('node-a')], pods },
  );
  t.deepEqual(
    strict.nodes[0]?.refused?.map((pod) => pod.name),
    ['cache', 'bare'],
  );
  t.deepEqual(
    strict.nodes[0]?.evictions.map((pod) => pod.name),
    ['web-1'],
  );
  t.regex(strict.notes.join('\n'), /cannot drain node node-a: 2 pods block it: shop\/cache \(its emptyDir/);
  const allowed = await planOne<NodePlan>(
    { name: 'drain', nodeDrain: { selector: 'pool=web', deleteEmptyDirData: true, force: true } },
    { nodes: [makeNode('node-a')], pods },
  );
  t.is(allowed.nodes[0]?.refused, undefined);
  t.is(allowed.nodes[0]?.evictions.length, 3);
});

test('nodeCordon picks by percent and evicts nothing', async (t) => {
  const nodes = ['n-0', 'n-1', 'n-2'].map((name) => makeNode(name));
  const { clients, calls } = fakeClients({ nodes, pods: checkoutPods });
  const [plan] = (await selectTargets(
    experimentWith([{ name: 'cordon', nodeCordon: { selector: 'pool=web', percent: 50 } }]),
    clients,
    5,
  )) as NodePlan[];
  t.is(plan?.nodes.length, 2);
  for (const node of plan?.nodes ?? []) t.deepEqual(node.evictions, []);
  t.is(calls.listPods, 0, 'a cordon lists no pods');
});

test('a proxy that exists is the target of a toxic', async (t) => {
  const proxy: ProxyState = {
    name: 'catalog',
    listen: '127.0.0.1:1',
    upstream: '127.0.0.1:2',
    enabled: true,
    toxics: [],
  };
  const plan = await planOne<ProxyPlan>(
    {
      name: 'slow',
      toxiproxy: {
        url: 'http://toxiproxy',
        proxy: 'catalog',
        toxic: 'latency',
        attributes: { latency: 800 },
      },
    },
    { proxies: [proxy] },
  );
  t.like(plan, { kind: 'toxiproxy', proxy: { proxy: 'catalog', exists: true, listen: '127.0.0.1:1' } });
  t.deepEqual(plan.toxic, {
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 800 },
  });
});

test('a missing proxy is fine when the fault declares listen and upstream', async (t) => {
  const plan = await planOne<ProxyPlan>(
    {
      name: 'cut',
      partition: { url: 'http://toxiproxy', proxy: 'new', listen: '127.0.0.1:3', upstream: '127.0.0.1:4' },
    },
    {},
  );
  t.like(plan, { kind: 'partition', toxic: undefined, proxy: { exists: false, listen: '127.0.0.1:3' } });
  t.regex(plan.notes[0] ?? '', /does not exist yet: the run creates it/);
});

test('a missing proxy without listen and upstream is an error naming the fault and the proxy', async (t) => {
  const error = await t.throwsAsync(
    planOne({ name: 'cut', partition: { url: 'http://toxiproxy', proxy: 'ghost' } }, {}),
    {
      instanceOf: AdapterError,
    },
  );
  t.regex(error?.message ?? '', /"cut".*ghost does not exist/);
});

test('an unreachable Toxiproxy is thrown as it is', async (t) => {
  const error = await t.throwsAsync(
    planOne({ name: 'cut', partition: { url: 'http://unreachable', proxy: 'x' } }, {}),
  );
  t.true(error instanceof AdapterError && error.failure === 'unreachable');
});

test('Kubernetes is not touched by an experiment without Kubernetes faults', async (t) => {
  const { clients, calls } = fakeClients({
    proxies: [{ name: 'p', listen: 'a', upstream: 'b', enabled: true, toxics: [] }],
  });
  await selectTargets(
    experimentWith([{ name: 'cut', partition: { url: 'http://t', proxy: 'p' } }]),
    clients,
    1,
  );
  t.is(calls.kubernetes, 0);
});

test("each fault has its own stream: adding a fault does not change another one's pick", async (t) => {
  const kill: FaultSpec = {
    name: 'kill',
    podKill: { namespace: 'shop', selector: 'app=checkout', count: 2 },
  };
  const other: FaultSpec = {
    name: 'other',
    podKill: { namespace: 'shop', selector: 'app=checkout', count: 3 },
  };
  const { clients } = fakeClients({ pods: checkoutPods });
  const [alone] = (await selectTargets(experimentWith([kill]), clients, 99)) as PodKillPlan[];
  const [, after] = (await selectTargets(experimentWith([other, kill]), clients, 99)) as PodKillPlan[];
  t.deepEqual(
    after?.pods.map((pod) => pod.name),
    alone?.pods.map((pod) => pod.name),
  );
});
