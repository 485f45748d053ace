import test from 'ava';
import type { SafetySpec } from '../../../src/experiment/schema.ts';
import { type BlastRadius, checkSafety, type SafetyRule } from '../../../src/selection/safety.ts';

const nothing = { pods: [], namespaces: [], nodes: [], workloads: [], proxies: [] };

function podKill(
  namespace: string,
  killed: number,
  running: number,
  fault = 'kill',
  rounds = 1,
): BlastRadius {
  return {
    ...nothing,
    fault,
    pods: Array.from({ length: killed }, (_, index) => ({ namespace, name: `${fault}-${index}` })),
    podVerb: 'kills pods',
    namespaces: [namespace],
    share: { taken: killed, of: running, selector: 'app=checkout', namespace },
    rounds,
  };
}

function drain(
  nodes: { name: string; namespaces: string[] }[],
  kind: 'drain' | 'cordon' = 'drain',
): BlastRadius {
  const pods = nodes.flatMap((node) =>
    node.namespaces.map((namespace, index) => ({ namespace, name: `${node.name}-pod-${index}` })),
  );
  return {
    ...nothing,
    fault: kind,
    pods,
    podVerb: 'evicts pods',
    namespaces: [...new Set(pods.map((pod) => pod.namespace))],
    nodes: nodes.map((node) => node.name),
  };
}

const cases: { title: string; plans: BlastRadius[]; safety?: SafetySpec; rules: SafetyRule[] }[] = [
  { title: 'no safety section: anything but kube-system goes', plans: [podKill('shop', 3, 3)], rules: [] },
  {
    title: 'a namespace in the allow-list',
    plans: [podKill('shop', 1, 3)],
    safety: { namespaces: ['shop'] },
    rules: [],
  },
  {
    title: 'a namespace outside the allow-list',
    plans: [podKill('payments', 1, 3)],
    safety: { namespaces: ['shop'] },
    rules: ['namespace-not-allowed'],
  },
  {
    title: 'an empty allow-list allows nothing',
    plans: [podKill('shop', 1, 3)],
    safety: { namespaces: [] },
    rules: ['namespace-not-allowed'],
  },
  {
    title: 'kube-system without an allow-list',
    plans: [podKill('kube-system', 1, 3)],
    rules: ['kube-system'],
  },
  {
    title: 'kube-system with an allow-list that does not name it',
    plans: [podKill('kube-system', 1, 3)],
    safety: { namespaces: ['shop'] },
    rules: ['kube-system'],
  },
  {
    title: 'kube-system named in the allow-list',
    plans: [podKill('kube-system', 1, 3)],
    safety: { namespaces: ['kube-system'] },
    rules: [],
  },
  {
    title: 'a pod kill that matched nothing is still judged by its namespace',
    plans: [podKill('kube-system', 0, 0)],
    rules: ['kube-system'],
  },
  {
    title: 'a drain evicting pods outside the allow-list',
    plans: [drain([{ name: 'node-a', namespaces: ['shop', 'payments', 'payments'] }])],
    safety: { namespaces: ['shop'] },
    rules: ['namespace-not-allowed'],
  },
  {
    title: 'a drain evicting kube-system pods',
    plans: [drain([{ name: 'node-a', namespaces: ['shop', 'kube-system'] }])],
    safety: { namespaces: ['shop'] },
    rules: ['kube-system'],
  },
  {
    title: 'a cordon evicts nothing, so namespaces do not apply',
    plans: [drain([{ name: 'node-a', namespaces: [] }], 'cordon')],
    safety: { namespaces: ['shop'] },
    rules: [],
  },
  {
    title: 'maxPodsPercent: 1 of 3 is within 50',
    plans: [podKill('shop', 1, 3)],
    safety: { maxPodsPercent: 50 },
    rules: [],
  },
  {
    title: 'maxPodsPercent: 2 of 3 is above 50',
    plans: [podKill('shop', 2, 3)],
    safety: { maxPodsPercent: 50 },
    rules: ['max-pods-percent'],
  },
  {
    title: 'maxPodsPercent: exactly at the limit',
    plans: [podKill('shop', 2, 4)],
    safety: { maxPodsPercent: 50 },
    rules: [],
  },
  {
    title: 'maxPodsPercent: counted per fault',
    plans: [podKill('shop', 1, 4, 'a'), podKill('shop', 3, 4, 'b')],
    safety: { maxPodsPercent: 50 },
    rules: ['max-pods-percent'],
  },
  { title: 'maxPods: within', plans: [podKill('shop', 2, 3)], safety: { maxPods: 2 }, rules: [] },
  {
    title: 'maxPods: kills and evictions add up',
    plans: [podKill('shop', 2, 3), drain([{ name: 'node-a', namespaces: ['shop'] }])],
    safety: { maxPods: 2 },
    rules: ['max-pods'],
  },
  {
    title: 'maxPods: 0 forbids any pod',
    plans: [podKill('shop', 1, 3)],
    safety: { maxPods: 0 },
    rules: ['max-pods'],
  },
  {
    title: 'maxNodes: drains and cordons add up, a node counted once',
    plans: [
      drain([{ name: 'node-a', namespaces: [] }]),
      drain(
        [
          { name: 'node-a', namespaces: [] },
          { name: 'node-b', namespaces: [] },
        ],
        'cordon',
      ),
    ],
    safety: { maxNodes: 1 },
    rules: ['max-nodes'],
  },
  {
    title: 'maxNodes: two cordons of one node each add up to two nodes',
    plans: [
      drain([{ name: 'node-a', namespaces: [] }], 'cordon'),
      drain([{ name: 'node-b', namespaces: [] }], 'cordon'),
    ],
    safety: { maxNodes: 1 },
    rules: ['max-nodes'],
  },
  {
    title: 'maxPods: a pod kill repeating every round takes as many pods again each round',
    plans: [podKill('shop', 1, 3, 'monkey', 3)],
    safety: { maxPods: 2 },
    rules: ['max-pods'],
  },
  {
    title: 'maxPods: within, over its rounds',
    plans: [podKill('shop', 1, 3, 'monkey', 2)],
    safety: { maxPods: 2 },
    rules: [],
  },
  {
    title: 'maxNodes: within',
    plans: [drain([{ name: 'node-a', namespaces: [] }])],
    safety: { maxNodes: 1 },
    rules: [],
  },
  {
    title: 'every violation is reported, not only the first',
    plans: [
      podKill('kube-system', 3, 3, 'a'),
      podKill('payments', 2, 2, 'b'),
      drain([
        { name: 'n1', namespaces: [] },
        { name: 'n2', namespaces: [] },
      ]),
    ],
    safety: { namespaces: ['shop'], maxPodsPercent: 50, maxPods: 1, maxNodes: 1 },
    rules: [
      'kube-system',
      'max-pods-percent',
      'namespace-not-allowed',
      'max-pods-percent',
      'max-pods',
      'max-nodes',
    ],
  },
];

for (const { title, plans, safety, rules } of cases) {
  test(`safety: ${title}`, (t) => {
    const violations = checkSafety(plans, safety);
    t.deepEqual(
      violations.map((violation) => violation.rule),
      rules,
    );
    for (const violation of violations) t.true(violation.message.length > 0);
  });
}

test('a violation message names the fault, the namespace and the rule', (t) => {
  const [violation] = checkSafety([podKill('payments', 1, 3, 'kill-one')], { namespaces: ['shop'] });
  t.regex(violation?.message ?? '', /kill-one.*payments.*safety\.namespaces \(shop\)/);
  const [percent] = checkSafety([podKill('shop', 2, 3, 'kill-two')], { maxPodsPercent: 50 });
  t.regex(percent?.message ?? '', /2 of 3 Running pods \(67%\).*maxPodsPercent is 50/);
});
