// Chaos Toolkit experiments written for these tests that use chaosk8s (pods, nodes, workloads):
// each imports with exactly the expected warnings, to a Faultline document that validates, and
// its mapped parts are asserted here. import-fixtures.test.ts has the other providers and quirks.
import test from 'ava';
import { hasComment, imports } from './import-helpers.ts';

const ssh = '["steady-state-hypothesis"]';

test(
  'terminate_pods and delete_pods become podKill faults at their offsets; ${kills} keeps its type',
  imports,
  'pod-kill.json',
  { warnings: [] },
  (t, { spec }, yaml) => {
    t.is(spec.duration, '27s');
    t.deepEqual(spec.configuration, {
      KILL_GRACE_SECONDS: '5',
      kills: '2',
      shop_namespace: 'shop',
      STOREFRONT_URL: 'http://127.0.0.1:8080',
    });
    t.deepEqual(spec.faults, [
      {
        name: 'kill-two-checkout-pods',
        podKill: {
          namespace: '${shop_namespace}',
          selector: 'app=checkout',
          count: '${kills}',
          gracePeriod: '${KILL_GRACE_SECONDS}s',
        },
        start: '0s',
      },
      {
        name: 'kill-half-of-checkout',
        podKill: { namespace: 'shop', selector: 'app=checkout', percent: 50, gracePeriod: '0s' },
        start: '10s',
      },
      {
        name: 'kill-every-checkout-pod',
        podKill: { namespace: 'shop', selector: 'app=checkout', percent: 100 },
        start: '15s',
      },
      {
        name: 'delete-one-checkout-pod',
        podKill: { namespace: 'shop', selector: 'app=checkout', count: 1 },
        start: '20s',
      },
    ]);
    t.deepEqual(spec.hypothesis, {
      probes: [
        {
          name: 'storefront-answers',
          http: { url: '${STOREFRONT_URL}/', timeout: '2s' },
          expect: { status: 200 },
        },
        {
          name: 'checkout-pods-running',
          kubernetes: {
            kind: 'Pod',
            namespace: '${shop_namespace}',
            selector: 'app=checkout',
            field: 'status.phase',
          },
          expect: { equals: 'Running' },
        },
      ],
      during: { every: '21s', failAfter: 1 },
    });
    t.true(
      hasComment(
        yaml,
        'Chaos Toolkit kills the oldest matching pods (order: oldest, rand: false); Faultline picks them at random, seeded (--seed replays a run)',
      ),
    );
    t.true(
      hasComment(
        yaml,
        "the method's pauses end at 20s, when its last fault starts; Faultline runs it 1s longer so that the fault is in place",
      ),
    );
  },
);

test(
  'drain_nodes and cordon_node become nodeDrain and nodeCordon; uncordon_node ends them',
  imports,
  'node-drain.yaml',
  { warnings: [] },
  (t, { spec }, yaml) => {
    t.is(
      spec.description,
      'Drain one web node, then cordon another by name for a while; the storefront must keep answering throughout.\n',
    );
    t.deepEqual(spec.faults, [
      {
        name: 'drain-one-web-node',
        nodeDrain: { selector: '${web_nodes}', count: 1, timeout: '1m', deleteEmptyDirData: true },
        start: '0s',
        duration: '26s',
      },
      {
        name: 'cordon-web-2',
        nodeCordon: { selector: 'kubernetes.io/hostname=web-2', percent: 100 },
        start: '10s',
        duration: '5s',
      },
    ]);
    t.deepEqual(
      spec.hypothesis.probes.map((probe: { kubernetes: unknown; expect: unknown }) => [
        probe.kubernetes,
        probe.expect,
      ]),
      [
        [
          { kind: 'Node', selector: '${web_nodes}', field: 'status.conditions[type=Ready].status' },
          { equals: 'True' },
        ],
        [{ kind: 'Node', field: 'status.conditions[type=MemoryPressure].status' }, { equals: 'False' }],
      ],
    );
    t.is(spec.rollbacks, undefined);
    t.true(
      hasComment(
        yaml,
        'the rollback "uncordon-web-nodes" (it undoes drain-one-web-node) is not needed: Faultline reverts every fault whatever happens, Ctrl-C and crashes included',
      ),
    );
    t.true(
      hasComment(
        yaml,
        "Chaos Toolkit's uncordon_node uncordons every node matching ${web_nodes}; Faultline uncordons only the nodes it cordoned",
      ),
    );
  },
);

test(
  'scale_deployment, scale_statefulset and rollout_deployment become scale and rolloutRestart; old module names map alike',
  imports,
  'deployment.yaml',
  {
    warnings: [
      `43:9: ${ssh}.probes[3].provider: in chaostoolkit-kubernetes 0.39 this deprecated function returns None, so a tolerance of true never holds there; the import maps it like deployment_available_and_healthy, as earlier versions meant`,
    ],
  },
  (t, { spec }, yaml) => {
    t.deepEqual(spec.faults, [
      {
        name: 'shrink-checkout',
        scale: { namespace: '${ns}', kind: 'Deployment', name: 'checkout', replicas: 1 },
        start: '5s',
        duration: '31s',
      },
      {
        name: 'restart-checkout',
        rolloutRestart: { namespace: '${ns}', kind: 'Deployment', name: 'checkout', wait: false },
        start: '15s',
      },
      {
        name: 'shrink-sessions',
        scale: { namespace: '${ns}', kind: 'StatefulSet', name: 'sessions', replicas: 0 },
        start: '20s',
        duration: '16s',
      },
      {
        name: 'shrink-storefront-old-name',
        scale: { namespace: '${ns}', kind: 'Deployment', name: 'storefront', replicas: 1 },
        start: '20s',
        duration: '16s',
      },
    ]);
    const probe = (name: string) => spec.hypothesis.probes.find((p: { name: string }) => p.name === name);
    t.deepEqual(probe('checkout-healthy').expect, { atMost: 0 });
    t.is(probe('checkout-healthy').kubernetes.field, 'status.unavailableReplicas');
    t.deepEqual(probe('checkout-partly-up').expect, { atLeast: 1 });
    t.deepEqual(probe('storefront-fully-up-old-name').kubernetes, {
      kind: 'Deployment',
      namespace: '${ns}',
      name: 'storefront',
      field: 'status.unavailableReplicas',
    });
    t.deepEqual(spec.steps, [
      {
        name: 'checkout-not-fully-up',
        kubernetes: {
          kind: 'Deployment',
          namespace: '${ns}',
          name: 'checkout',
          field: 'status.unavailableReplicas',
        },
        expect: { atLeast: 1 },
        at: '15s',
      },
    ]);
    t.true(
      hasComment(
        yaml,
        'Chaos Toolkit scales it to 3 replicas; Faultline restores the count it found before the fault',
      ),
    );
    t.true(
      hasComment(
        yaml,
        'nothing in the Chaos Toolkit experiment undoes this fault, so Chaos Toolkit leaves it in place; Faultline reverts it when it ends',
      ),
    );
  },
);
