// podKill, nodeDrain and nodeCordon through the whole run contract, on virtual time against an
// in-memory cluster whose Deployments replace deleted pods (Ready after a delay) and whose
// PodDisruptionBudgets refuse evictions. The same faults against a real API server:
// test/integration/kubernetes-faults.test.ts.
import test from 'ava';
import { cordonAnnotation } from '../../../src/adapters/kubernetes.ts';
import type { JournalAction } from '../../../src/engine/journal.ts';
import { planExperiment } from '../../../src/engine/plan-experiment.ts';
import type { FaultDocument as FaultSpec } from '../../../src/experiment/schema.ts';
import {
  experimentWith,
  killTwo,
  relative,
  runId,
  seed,
  setup,
} from '../../helpers/memory-kubernetes-run.ts';

test('podKill: 2 of 3 pods deleted at once (grace 0); each kill records its owner and time to Ready', async (t) => {
  const { run, cluster } = setup();
  const { journal, verdict } = await run([killTwo]);
  t.is(verdict, 'held', journal.reason);
  t.deepEqual(
    cluster.calls.filter((c) => c.startsWith('delete')).map((c) => c.replace(/checkout-\w+/, 'checkout-*')),
    ['delete shop/checkout-* grace=0', 'delete shop/checkout-* grace=0'],
  );
  const actions = journal.faults[0]?.actions ?? [];
  t.is(actions.length, 2);
  for (const action of actions) {
    t.is(action.owner, 'Deployment/checkout');
    t.is(relative(journal, action.injectedAt), 1_000);
    t.is(action.effect?.outcome, 'ready');
    const afterMs = action.effect?.afterMs ?? 0;
    t.true(afterMs >= 1_500 && afterMs <= 1_575, `Ready 1.5 s after the kill, seen within 5 %: ${afterMs}`);
    t.is(action.revert, 'already-gone');
  }
  t.is(journal.events.filter((e) => e.type === 'owner-ready').length, 1, 'told once per owner');
  t.is(cluster.readyCount('shop', 'checkout'), 3);
});

test('podKill: the dip is seen by a hypothesis that wants all 3 Ready (failAfter 1)', async (t) => {
  const { run } = setup();
  const { journal, verdict } = await run([killTwo], {}, 3);
  t.is(verdict, 'deviated');
  t.regex(journal.reason ?? '', /checkout-ready deviated 1 times in a row: readyReplicas = 1/);
  // The sample due at the kill's own instant races it (neither waits for the other); the dip is
  // seen by that sample or the next one.
  const seenAt = relative(journal, journal.firstDeviation?.at) ?? 0;
  t.true(seenAt >= 1_000 && seenAt <= 1_500, `seen at ${seenAt} ms`);
});

test('podKill: the run kills exactly the pods `plan --seed` shows', async (t) => {
  const { run, cluster } = setup();
  const experiment = experimentWith([killTwo], {}, 1);
  const planned = await planExperiment(
    experiment,
    { kubernetes: () => cluster, toxiproxy: () => ({}) as never },
    seed,
  );
  cluster.calls.length = 0; // the plan's dry-run deletes are not the run's
  const { journal } = await run([killTwo]);
  const plan = planned.faults[0]?.plan;
  const plannedPods = plan?.kind === 'podKill' ? plan.pods.map((p) => `pod/shop/${p.name}`) : [];
  t.deepEqual(
    journal.faults[0]?.actions.map((a) => a.target),
    plannedPods,
  );
});

test('podKill with every: a round every 2 s over its duration, each recorded with its round', async (t) => {
  const { run, cluster } = setup();
  const fault: FaultSpec = {
    name: 'monkey',
    podKill: { namespace: 'shop', selector: 'app=checkout', count: 1, every: '2s' },
    start: '1s',
    duration: '5s',
  };
  const { journal, verdict } = await run([fault]);
  t.is(verdict, 'held', journal.reason);
  const [recorded] = journal.faults;
  t.is(recorded?.everyMs, 2_000);
  t.is(recorded?.rounds, 3);
  t.deepEqual(
    recorded?.actions.map((a) => [a.round, relative(journal, a.injectedAt)]),
    [
      [0, 1_000],
      [1, 3_000],
      [2, 5_000],
    ],
  );
  t.is(cluster.calls.filter((c) => c.startsWith('delete')).length, 3);
  t.true(recorded?.actions.every((a) => a.effect?.outcome === 'ready'));
});

test('podKill never picks a pod that is already terminating', async (t) => {
  const { run, cluster } = setup();
  const [leaving] = [...cluster.pods.values()];
  if (leaving) leaving.isTerminating = true;
  const { journal } = await run([{ ...killTwo, podKill: { ...killTwo.podKill, count: 3 } } as FaultSpec]);
  const targets = journal.faults[0]?.actions.map((a) => a.target) ?? [];
  t.is(targets.length, 2);
  t.false(targets.includes(`pod/shop/${leaving?.name}`));
});

test('safety limits are enforced at run time: nothing is deleted, the run does not start', async (t) => {
  const { run, cluster, ledger } = setup();
  const { journal, verdict } = await run([killTwo], { safety: { maxPodsPercent: 50 } });
  t.is(verdict, 'not-started');
  t.regex(journal.reason ?? '', /^safety: .*maxPodsPercent is 50/);
  t.deepEqual(cluster.calls, []);
  t.deepEqual(ledger.lines(), []);
});

// Defect: limits were checked per fault at run time, so two cordons of one node each under
// maxNodes 1 (refused by `plan`) cordoned both nodes and the run said "held".
test('safety totals: two cordons of one node each under maxNodes 1 inject nothing', async (t) => {
  const { run, cluster, ledger } = setup();
  const cordon = (node: string): FaultSpec => ({
    name: `cordon-${node}`,
    nodeCordon: { selector: `kubernetes.io/hostname=${node}`, count: 1 },
  });
  const { journal, verdict } = await run([cordon('n1'), cordon('n2')], { safety: { maxNodes: 1 } });
  t.is(verdict, 'not-started');
  t.regex(journal.reason ?? '', /drains or cordons 2 nodes; safety\.maxNodes is 1/);
  t.deepEqual(cluster.calls, []);
  t.deepEqual(ledger.lines(), []);
});

// Defect: a podKill with `every` checked each round alone, so its total kills were unbounded.
test('safety totals: a pod kill repeating every 2 s counts every round against maxPods', async (t) => {
  const { run, cluster } = setup();
  const monkey: FaultSpec = {
    name: 'monkey',
    podKill: { namespace: 'shop', selector: 'app=checkout', count: 1, every: '2s', gracePeriod: '0s' },
    start: '1s',
  };
  const refused = await run([monkey], { safety: { maxPods: 2 } });
  t.is(refused.verdict, 'not-started', '5 rounds of 1 pod exceed 2');
  t.regex(refused.journal.reason ?? '', /kills, evicts or replaces 5 pods; safety\.maxPods is 2/);
  t.deepEqual(cluster.calls, []);
  const allowed = await run([monkey], { safety: { maxPods: 5 } });
  t.is(allowed.verdict, 'held');
  t.is(allowed.journal.faults[0]?.actions.length, 5);
});

const drainN1 = (extra: Partial<NonNullable<FaultSpec['nodeDrain']>> = {}): FaultSpec => ({
  name: 'drain-n1',
  nodeDrain: { selector: 'kubernetes.io/hostname=n1', ...extra },
  start: '1s',
});

test('nodeDrain: ledger, then cordon, then evictions; DaemonSet and mirror pods stay; uncordoned on revert', async (t) => {
  const { run, cluster } = setup();
  cluster.addDeployment('shop', 'web', 2, { nodes: ['n1'], readyAfterMs: 100 });
  cluster.deployments.get('shop/web')?.nodes.push('n2');
  cluster.addPod({
    namespace: 'kube-system',
    name: 'logs',
    nodeName: 'n1',
    controller: { kind: 'DaemonSet', name: 'logs' },
  });
  cluster.addPod({
    namespace: 'kube-system',
    name: 'static',
    nodeName: 'n1',
    annotations: { 'kubernetes.io/config.mirror': 'x' },
    controller: { kind: 'Node', name: 'n1' },
  });
  const evictable = [...cluster.pods.values()]
    .filter((p) => p.nodeName === 'n1' && p.namespace === 'shop')
    .map((p) => `shop/${p.name}`);
  t.true(evictable.length >= 2);
  const { journal, verdict } = await run([drainN1()]);
  t.is(verdict, 'held', journal.reason);
  const mutations = cluster.calls.filter((c) => !c.startsWith('evict'));
  t.regex(mutations[0] ?? '', /^ledger node-cordoned$/);
  t.regex(
    mutations[1] ?? '',
    new RegExp(`^patch node n1 .*"unschedulable":true.*"${cordonAnnotation}":"${runId}"`),
  );
  const [action] = journal.faults[0]?.actions ?? [];
  t.is(action?.effect?.outcome, 'drained');
  t.deepEqual(action?.effect?.evicted?.slice().sort(), evictable.sort());
  t.deepEqual(
    action?.effect?.skipped?.map((s) => `${s.pod}: ${s.reason}`),
    ['kube-system/logs: DaemonSet pod', 'kube-system/static: mirror pod'],
  );
  t.deepEqual(
    [...cluster.pods.values()].filter((p) => p.nodeName === 'n1').map((p) => p.name),
    ['logs', 'static'],
    'every evicted pod is gone from n1',
  );
  const n1 = await cluster.getNode('n1');
  t.false(n1?.isUnschedulable);
  t.is(n1?.annotations[cordonAnnotation], undefined);
  t.is(action?.revert, 'reverted');
});

test('nodeDrain blocked by a PodDisruptionBudget: verdict error naming the budget, node uncordoned', async (t) => {
  const { run, cluster, clock } = setup();
  cluster.budgets.push({
    namespace: 'shop',
    name: 'checkout-pdb',
    labels: { app: 'checkout' },
    minAvailable: 3,
  });
  const started = clock.now();
  const { journal, verdict } = await run([drainN1({ timeout: '4s' })]);
  t.is(verdict, 'error');
  t.regex(
    journal.reason ?? '',
    /^drain of node n1 blocked by PodDisruptionBudget shop\/checkout-pdb: The disruption budget checkout-pdb needs 3 healthy pods and has 3 currently \(gave up after the timeout of 4 s/,
  );
  const [action] = journal.faults[0]?.actions ?? [];
  t.is(action?.effect?.outcome, 'blocked');
  t.is(action?.effect?.podDisruptionBudget, 'shop/checkout-pdb');
  const evictions = cluster.calls.filter((c) => c.startsWith('evict'));
  t.true(evictions.length >= 4, `retried with backoff (${evictions.length} attempts)`);
  t.true(evictions.length <= 8, `but not in a tight loop (${evictions.length} attempts)`);
  t.is(relative(journal, journal.methodEndedAt), 5_000, 'the run stops as soon as the drain gives up');
  t.true(clock.now() - started < 10_000);
  const n1 = await cluster.getNode('n1');
  t.false(n1?.isUnschedulable, 'uncordoned');
  t.is(cluster.readyCount('shop', 'checkout'), 3, 'no checkout pod was evicted');
});

test('nodeDrain without a timeout: still blocked when the fault ends is an error too', async (t) => {
  const { run, cluster } = setup();
  cluster.budgets.push({
    namespace: 'shop',
    name: 'checkout-pdb',
    labels: { app: 'checkout' },
    minAvailable: 3,
  });
  const { journal, verdict } = await run([{ ...drainN1(), duration: '3s' }]);
  t.is(verdict, 'error');
  t.regex(journal.reason ?? '', /PodDisruptionBudget shop\/checkout-pdb.*the fault ended first/);
});

test('nodeDrain refuses emptyDir pods unless deleteEmptyDirData, before cordoning anything', async (t) => {
  const refused = setup();
  refused.cluster.addPod({
    namespace: 'shop',
    name: 'cache',
    nodeName: 'n1',
    usesEmptyDir: true,
    controller: { kind: 'ReplicaSet', name: 'cache-rs' },
  });
  const { journal, verdict } = await refused.run([drainN1()]);
  t.is(verdict, 'not-started', 'refused at the plan: nothing is injected');
  t.regex(
    journal.reason ?? '',
    /^refused: .*cannot drain node n1: 1 pod blocks it: shop\/cache \(its emptyDir data would be lost/,
  );
  t.deepEqual(refused.cluster.calls, [], 'nothing cordoned, nothing evicted');

  const allowed = setup();
  allowed.cluster.addPod({
    namespace: 'shop',
    name: 'cache',
    nodeName: 'n1',
    usesEmptyDir: true,
    controller: { kind: 'ReplicaSet', name: 'cache-rs' },
  });
  const second = await allowed.run([drainN1({ deleteEmptyDirData: true })]);
  t.is(second.verdict, 'held', second.journal.reason);
  t.true(second.journal.faults[0]?.actions[0]?.effect?.evicted?.includes('shop/cache'));
});

test('nodeCordon: an already unschedulable node is neither picked nor uncordoned', async (t) => {
  const { run, cluster } = setup();
  cluster.addNode('n0', { isUnschedulable: true });
  const { journal, verdict } = await run([
    { name: 'cordon-all', nodeCordon: { selector: 'pool=web', percent: 100 } },
  ]);
  t.is(verdict, 'held', journal.reason);
  t.deepEqual(journal.faults[0]?.actions.map((a: JournalAction) => a.target).sort(), [
    'node/n1',
    'node/n2',
    'node/n3',
  ]);
  t.true((await cluster.getNode('n0'))?.isUnschedulable, 'n0 stays cordoned');
  for (const name of ['n1', 'n2', 'n3']) t.false((await cluster.getNode(name))?.isUnschedulable);
});
