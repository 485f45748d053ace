// Chaos Toolkit experiments written for these tests, for Toxiproxy, Prometheus, http and process
// providers and the quirks seen in real files: each imports with exactly the expected warnings,
// to a Faultline document that validates, and its mapped parts are asserted here.
// import-kubernetes.test.ts has the chaosk8s ones.
import test from 'ava';
import { parseExperiment } from '../../../src/experiment/load-experiment.ts';
import { hasComment, importFixture, imports } from './import-helpers.ts';

const ssh = '["steady-state-hypothesis"]';

test(
  'a latency toxic with the continuously strategy from the file: judged at the end of the method, as Chaos Toolkit judges it',
  imports,
  'toxiproxy-latency.json',
  {
    warnings: [
      `31:22: ${ssh}.probes[0].tolerance: Chaos Toolkit reads [200, 203] on an HTTP probe as the two statuses 200 and 203, not as a range; the import keeps that meaning`,
    ],
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
  { warnings: [] },
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
  { warnings: [] },
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
  { warnings: [] },
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
