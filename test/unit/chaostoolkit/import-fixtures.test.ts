// Chaos Toolkit experiments written for these tests, one per provider family and one per quirk seen
// in real files: each imports with exactly the expected warnings, to a Faultline document that
// validates (faults of the three kinds still on their way into the schema are checked against
// their agreed shape: test/helpers/pending-faults.ts), and whose mapped parts are asserted here.
import test, { type ExecutionContext } from 'ava';
import { parse } from 'yaml';
import { parseExperiment } from '../../../src/experiment/load-experiment.ts';
import type { PendingKind } from '../../helpers/pending-faults.ts';
import { validateImported } from '../../helpers/pending-faults.ts';
import { importFixture, placed } from './import-helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: the parsed document is read field by field
type Document = { spec: Record<string, any> };

// A `# ...` comment line in the YAML, whatever its indentation.
const hasComment = (yaml: string, text: string) =>
  yaml.split('\n').some((line) => line.trim() === `# ${text}`);

const imports = test.macro(
  (
    t,
    name: string,
    expected: { warnings: string[]; pending: PendingKind[] },
    check: (t: ExecutionContext, document: Document, yaml: string) => void,
  ) => {
    const result = importFixture(name);
    t.deepEqual(placed(result.diagnostics, 'error'), []);
    t.deepEqual(placed(result.diagnostics, 'warning'), expected.warnings);
    if (!result.yaml) return t.fail('no document');
    const validation = validateImported(result.yaml, `${name}.faultline.yaml`);
    t.deepEqual(validation.problems, []);
    t.deepEqual(validation.pendingKinds, expected.pending);
    t.deepEqual(parse(result.yaml), result.document, 'the YAML text is the document');
    check(t, parse(result.yaml) as Document, result.yaml);
  },
);

const ssh = '["steady-state-hypothesis"]';

test(
  'terminate_pods and delete_pods become podKill faults at their offsets; ${kills} keeps its type',
  imports,
  'pod-kill.json',
  { warnings: [], pending: [] },
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
  { warnings: [], pending: [] },
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
    pending: ['scale', 'rolloutRestart', 'scale', 'scale'],
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

test(
  'a latency toxic with the continuously strategy from the file: judged at the end of the method, as Chaos Toolkit judges it',
  imports,
  'toxiproxy-latency.json',
  {
    warnings: [
      `31:22: ${ssh}.probes[0].tolerance: Chaos Toolkit reads [200, 203] on an HTTP probe as the two statuses 200 and 203, not as a range; the import keeps that meaning`,
    ],
    pending: [],
  },
  (t, { spec }) => {
    t.deepEqual(spec.faults, [
      {
        name: 'slow-catalog',
        toxiproxy: {
          url: 'http://${TOXIPROXY_HOST}:${toxiproxy_port}',
          proxy: 'catalog',
          toxic: 'latency',
          attributes: { latency: '${latency_ms}', jitter: 100 },
        },
        start: '0s',
        duration: '17s',
      },
    ]);
    t.deepEqual(spec.hypothesis.during, { every: '15s', failAfter: 1 });
    t.deepEqual(spec.hypothesis.probes[0].expect, { status: [200, 203] });
    t.deepEqual(spec.configuration, {
      latency_ms: '3000',
      TOXIPROXY_HOST: '127.0.0.1',
      toxiproxy_port: '8474',
    });
  },
);

test(
  'every chaostoxi action: each toxic, create_toxic, delete_toxic, reset, disable/enable/modify_proxy, create/delete_proxy',
  imports,
  'toxiproxy-every-toxic.yaml',
  { warnings: [], pending: [] },
  (t, { spec }, yaml) => {
    const summary = spec.faults.map((fault: Record<string, Record<string, unknown>>) => {
      const body = fault.toxiproxy ?? fault.partition;
      return [
        fault.name,
        fault.toxiproxy ? body?.toxic : 'partition',
        body?.attributes ?? null,
        fault.start,
        fault.duration,
      ];
    });
    t.deepEqual(summary, [
      ['latency', 'latency', { latency: 500 }, '0s', '5s'],
      ['bandwidth', 'bandwidth', { rate: 10 }, '5s', '30s'],
      ['slow-close', 'slow_close', { delay: 1000 }, '10s', '25s'],
      ['timeout', 'timeout', { timeout: 2000 }, '15s', '20s'],
      ['slicer', 'slicer', { average_size: 64, size_variation: 16, delay: 10 }, '20s', '15s'],
      ['limiter', 'limit_data', { bytes: 2048 }, '25s', '10s'],
      ['reset-peer-upstream', 'reset_peer', { timeout: 100 }, '30s', '5s'],
      ['catalog-down', 'partition', null, '35s', '5s'],
      ['catalog-down-again', 'partition', null, '42s', '9s'],
    ]);
    t.like(spec.faults[6].toxiproxy, { stream: 'upstream', toxicity: 0.5 });
    for (const fault of spec.faults) {
      t.like(fault.toxiproxy ?? fault.partition, {
        url: '${TOXIPROXY_URL}',
        proxy: 'shop-catalog',
        listen: '127.0.0.1:28081',
        upstream: '${CATALOG_HOST}:${catalog_port}',
      });
    }
    t.deepEqual(spec.hypothesis.probes[0], {
      name: 'proxy-exists',
      http: { url: '${TOXIPROXY_URL}/proxies/shop-catalog' },
      expect: { status: 200 },
    });
    t.is(spec.rollbacks, undefined);
    t.true(
      hasComment(
        yaml,
        "at 35s, Chaos Toolkit's reset also removes every other toxic and enables every proxy of that Toxiproxy; Faultline reverts only its own faults",
      ),
    );
  },
);

test(
  'chaosprometheus query and query_interval with jsonpath tolerances; a method probe becomes a step',
  imports,
  'prometheus.json',
  { warnings: [], pending: [] },
  (t, { spec }) => {
    t.deepEqual(spec.hypothesis.probes, [
      {
        name: 'no-5xx-now',
        prometheus: {
          url: '${PROMETHEUS_URL}',
          query: 'sum by (service) (rate(shop_requests_total{code=~"5.."}[30s]))',
          aggregate: 'each',
          onEmpty: 'pass',
        },
        expect: { equals: 0 },
        timeout: '5s',
      },
      {
        name: 'no-5xx-over-30s',
        prometheus: {
          url: '${PROMETHEUS_URL}',
          query: 'max_over_time((abs((sum(rate(shop_requests_total{code=~"5.."}[30s]))) - 0))[30s:3s])',
          aggregate: 'each',
          onEmpty: 'pass',
        },
        expect: { equals: 0 },
      },
    ]);
    t.deepEqual(spec.faults, [
      {
        name: 'partition-catalog',
        partition: { url: '${toxiproxy_url}', proxy: 'catalog' },
        start: '0s',
        duration: '16s',
      },
    ]);
    t.like(spec.steps[0], {
      name: 'request-rate-during-the-partition',
      at: '10s',
      prometheus: { onEmpty: 'pass' },
    });
  },
);

test(
  'http and process providers with every tolerance; a program paired with its rollback becomes inject/revert',
  imports,
  'process-and-http.yaml',
  { warnings: [], pending: ['command', 'command', 'command'] },
  (t, { spec }, yaml) => {
    const expects = Object.fromEntries(
      spec.hypothesis.probes.map((probe: { name: string; expect: unknown }) => [probe.name, probe.expect]),
    );
    t.deepEqual(expects, {
      'front-page': { status: 200 },
      'search-answers-2xx': { status: [200, 201, 202, 203, 204] },
      'health-says-ok': { bodyMatches: '^ok$' },
      'head-of-front-page': { status: 200 },
      'created-or-accepted': { status: [201, 202] },
      'disk-has-room': { exitCode: 0 },
      'flag-is-off': { outputMatches: 'flag: off' },
      'exit-code-in-a-list': { exitCode: 0 },
    });
    const probe = (name: string) => spec.hypothesis.probes.find((p: { name: string }) => p.name === name);
    t.deepEqual(probe('front-page').http, {
      url: '${base_url}/',
      headers: { Accept: 'text/html' },
      timeout: '3s',
    });
    t.is(probe('search-answers-2xx').http.url, '${base_url}/search?q=red+shoes&page=1');
    t.is(probe('head-of-front-page').http.method, 'HEAD');
    t.is(probe('health-says-ok').retries, 2);
    t.deepEqual(probe('flag-is-off').command, { run: ['sh', '-c', './flag.sh status'], timeout: '5s' });
    t.deepEqual(spec.faults, [
      {
        name: 'burn-cpu',
        command: { run: ['stress-ng', '--cpu', '1', '--timeout', '30s'] },
        start: '0s',
        duration: '26s',
      },
      {
        name: 'flag-on',
        command: {
          inject: ['./flag.sh', '--set', 'on', '--reason', 'chaos'],
          revert: ['./flag.sh', '--set', 'off'],
          timeout: '10s',
        },
        start: '2s',
        duration: '24s',
      },
      {
        name: 'warm-cache',
        command: { run: ['sh', '-c', 'curl -s ${base_url}/warm > /dev/null'] },
        start: '12s',
        duration: '3s',
      },
    ]);
    t.deepEqual(
      spec.steps.map((step: { name: string; at: string; expect: unknown }) => [
        step.name,
        step.at,
        step.expect,
      ]),
      [
        ['front-page-during', '17s', { latencyMs: { atLeast: 0 } }],
        ['notify', '17s', { latencyMs: { atLeast: 0 } }],
      ],
    );
    t.deepEqual(spec.rollbacks, [
      {
        name: 'tell-someone',
        http: { url: 'http://127.0.0.1:9999/done' },
        expect: { latencyMs: { atLeast: 0 } },
      },
    ]);
    t.true(
      hasComment(
        yaml,
        'revert: the rollback "flag-off", which Faultline runs whenever this fault ends (Chaos Toolkit runs it after checking the hypothesis, and not after an interrupt)',
      ),
    );
    t.true(
      hasComment(
        yaml,
        'Chaos Toolkit skips these rollbacks after a failed or interrupted run; Faultline runs them after every ending',
      ),
    );
    t.true(
      hasComment(
        yaml,
        'Chaos Toolkit pauses 2s before and 0s after this probe each time it checks the hypothesis; Faultline does not',
      ),
    );
  },
);

test(
  'quirks of real YAML files: null pauses, a misspelt pause, refs with and without type, $name, $$, secrets, controls',
  imports,
  'quirks.yaml',
  {
    warnings: [
      '6:1: extension: unknown key "extension" in the experiment: Chaos Toolkit ignores it, and so does the import; did you mean "extensions"?',
      '7:1: dry: dry is ignored: the import writes an experiment that runs',
      '21:12: secrets.shop.basic: secret basic is written in the file: the import keeps it as configuration, which Faultline prints',
      '22:1: controls: controls are ignored: Faultline runs no Chaos Toolkit controls (chaostracing.control)',
      '30:5: runtime.hypothesis.frequency: Chaos Toolkit reads this only from its command line (--hypothesis-frequency); give --hypothesis-frequency to faultline import',
      '54:5: method[0].pauses: pauses is empty (null): Chaos Toolkit 1.44 stops the method here with an AttributeError; the import reads it as no pause',
      '63:5: method[1].pause: unknown key "pause" in an activity: Chaos Toolkit ignores it, and so does the import; did you mean "pauses"?',
      '66:5: method[2].pauses: Chaos Toolkit ignores pauses beside ref: the referenced activity runs as it is',
    ],
    pending: ['command'],
  },
  (t, { spec }) => {
    t.is(spec.description, 'A folded description over two lines.');
    t.deepEqual(spec.configuration, {
      basic: 'hunter2',
      front: 'http://127.0.0.1:8080',
      pod_label: 'app=checkout',
    });
    t.deepEqual(spec.secrets, { api_token: { env: 'SHOP_API_TOKEN' } });
    t.deepEqual(spec.hypothesis.probes[0], {
      name: 'front-page',
      http: {
        url: '${front}/?region=${SHOP_REGION}&price=$5',
        headers: { Authorization: 'Bearer ${api_token}', 'X-Basic': '${basic}' },
      },
      expect: { status: 200 },
    });
    t.deepEqual(
      spec.faults.map((fault: { name: string; start: string }) => [fault.name, fault.start]),
      [
        ['kill-a-checkout-pod', '0s'],
        ['log-the-kill', '0s'],
        ['kill-a-checkout-pod-2', '0s'],
        ['kill-a-checkout-pod-3', '0s'],
      ],
    );
    t.deepEqual(spec.faults[1].command.run, [
      'sh',
      '-c',
      'echo killed one pod in ${SHOP_REGION};\necho done\n',
    ]);
    t.is(spec.duration, '10s');
    t.is(spec.steps[0].at, '4s');
    t.deepEqual(spec.rollbacks[0].command.run, spec.faults[1].command.run);
  },
);

test(
  'quirks of real JSON files: tabs, no final newline, a duplicate key, a doubled scheme, a misspelt provider key',
  imports,
  'quirks.json',
  {
    warnings: [
      `13:13: ${ssh}.probes[0].provider.url: the URL "http://http://127.0.0.1:8080/" names its scheme twice: its host is "http", which Chaos Toolkit cannot reach either`,
      `15:6: ${ssh}.probes[0].provider.timeout: duplicate key "timeout" (first at line 14); Chaos Toolkit keeps the last one`,
      `16:6: ${ssh}.probes[0].provider.verify_ssl: unknown key "verify_ssl" in an http provider: Chaos Toolkit ignores it, and so does the import; did you mean "verify_tls"?`,
    ],
    pending: [],
  },
  (t, { spec }) => {
    t.deepEqual(spec.hypothesis.probes[0].http, { url: 'http://http://127.0.0.1:8080/', timeout: '3s' });
    t.deepEqual(spec.faults, [
      { name: 'kill-one', podKill: { namespace: 'shop', selector: 'app=checkout', count: 1 }, start: '0s' },
    ]);
  },
);

test('the source map leads each part of the document back to where the Chaos Toolkit file wrote it', (t) => {
  const { sourceMap } = importFixture('pod-kill.json');
  t.deepEqual(sourceMap.sourceOf(['spec', 'faults', 1, 'podKill', 'count']), ['method', 1]);
  t.deepEqual(sourceMap.sourceOf(['spec', 'hypothesis', 'probes', 0, 'expect', 'status']), [
    'steady-state-hypothesis',
    'probes',
    0,
    'tolerance',
  ]);
  t.deepEqual(sourceMap.sourceOf(['spec', 'configuration', 'STOREFRONT_URL']), [
    'configuration',
    'storefront_url',
  ]);
  t.deepEqual(sourceMap.sourceOf(['spec', 'duration']), ['method']);
  t.is(sourceMap.sourceOf(['apiVersion']), undefined);
});

test('a problem Faultline finds in the imported document is placed in the Chaos Toolkit file (for run and plan on such files)', (t) => {
  const imported = importFixture('pod-kill.json');
  // KILL_GRACE_SECONDS set to something that is no number: the loader refuses the grace period.
  const loaded = parseExperiment(imported.yaml ?? '', 'pod-kill.faultline.yaml', {
    env: { KILL_GRACE_SECONDS: 'soon' },
    unresolved: 'error',
  });
  const error = loaded.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
  t.is(error?.path, 'spec.faults[0].podKill.gracePeriod');
  t.deepEqual(imported.locate(['spec', 'faults', 0, 'podKill', 'gracePeriod']), {
    line: 51,
    column: 5,
    path: 'method[0]',
  });
});
