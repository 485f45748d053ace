// `faultline plan` run the way a user runs it (`npx faultline plan FILE`) against the sandbox.
// Needs: kube-apiserver (RBAC, audit log) + kube-controller-manager + kube-scheduler + kwok (3 fake
// nodes pool=web, Deployment shop/checkout with 3 replicas), and Toxiproxy (the proxy `catalog`).
//
// About the audit log: it records dry-run requests exactly like real ones (same verb, same
// objectRef, 200/201 answers); the only mark is `dryRun=All` in requestURI. And every sandbox
// component (kwok, the controller manager, the scheduler, kubectl) authenticates as the same
// `faultline-admin` user, so "no mutation by faultline-admin" alone would fail on kwok's lease
// updates. plan's own requests are told apart by their User-Agent, `faultline (plan)`.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoreV1Api,
  KubeConfig,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  type V1Pod,
} from '@kubernetes/client-node';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const env = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(env.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const policy = kubeConfig.makeApiClient(PolicyV1Api);
const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
const directory = mkdtempSync(join(tmpdir(), 'faultline-plan-'));
const planUserAgent = 'faultline (plan)';
// Written into experiments as a variable, so that plan substitutes it from the environment.
const toxiproxyUrl = '$' + '{TOXIPROXY_URL}';

type PlanJson = {
  experiment: string;
  seed: number;
  faults: {
    fault: string;
    kind: string;
    pods?: { namespace: string; name: string; node?: string; owner?: { kind: string; name: string } }[];
    nodes?: { name: string; evictions: { namespace: string; name: string }[] }[];
    proxy?: { proxy: string; exists: boolean };
  }[];
  dryRun: {
    fault: string;
    action: string;
    name: string;
    outcome: string;
    podDisruptionBudget?: string;
    message?: string;
    standsFor?: string[];
  }[];
  violations: { rule: string; message: string }[];
};

let fileCount = 0;
function writeExperiment(faults: string, safety = 'safety: { namespaces: [shop] }'): string {
  fileCount += 1;
  const file = join(directory, `experiment-${fileCount}.yaml`);
  const text = `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: plan-test-${fileCount} }
spec:
  duration: 5m
  hypothesis:
    probes:
      - name: checkout-ready
        kubernetes: { kind: Deployment, namespace: shop, name: checkout, field: status.readyReplicas }
        expect: { atLeast: 1 }
  faults:
${faults
  .trim()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
  ${safety}
`;
  writeFileSync(file, text);
  return file;
}

const childEnv = {
  ...process.env,
  KUBECONFIG: env.KUBECONFIG,
  TOXIPROXY_URL: env.TOXIPROXY_URL,
  PATH: env.PATH,
};

function plan(...args: string[]) {
  return runProcess('npx', ['--no-install', 'faultline', 'plan', ...args], {
    cwd: projectRoot,
    env: childEnv,
  });
}

async function planJson(...args: string[]): Promise<PlanJson> {
  const result = await plan(...args, '--output', 'json');
  if (result.exitCode !== 0) throw new Error(`plan exited ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout) as PlanJson;
}

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function checkoutPodNames(): Promise<string[]> {
  const list = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' });
  return list.items.map((pod) => pod.metadata?.name ?? '').sort();
}

async function waitForThreeReadyCheckoutPods(): Promise<string[]> {
  return waitUntil('3 Ready checkout pods and nothing else', async () => {
    const list = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' });
    const ready = list.items.filter(isReady);
    return ready.length === 3 && list.items.length === 3
      ? ready.map((p) => p.metadata?.name ?? '').sort()
      : undefined;
  });
}

// A port nothing listens on (fetch refuses some low ports outright, e.g. 1, as "bad port").
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

const podKill = (name: string, amount: string) =>
  `- name: ${name}\n  podKill: { namespace: shop, selector: app=checkout, ${amount}, gracePeriod: 5s }`;

test.before(async () => {
  await waitForThreeReadyCheckoutPods();
});

test.after.always(() => {
  rmSync(directory, { recursive: true, force: true });
});

test.serial('count 1: the blast radius is one checkout pod owned by Deployment/checkout', async (t) => {
  const file = writeExperiment(podKill('kill-one', 'count: 1'));
  const text = await plan(file);
  t.is(text.exitCode, ExitCode.held, text.stderr);
  t.regex(text.stdout, /^FAULT\s+KIND\s+NAMESPACE\s+TARGET\s+OWNER\s+PROXY\/TOXIC\s+DRY-RUN$/m);
  t.regex(
    text.stdout,
    /^kill-one\s+podKill\s+shop\s+pod\/checkout-\S+\s+Deployment\/checkout\s+-\s+delete: ok$/m,
  );
  t.regex(text.stdout, /^Seed \d+ \(--seed \d+ replays this pick\)$/m);
  t.false(text.stdout.includes('\u001b['), 'no colours when stdout is not a terminal');

  const json = await planJson(file);
  const pods = json.faults[0]?.pods ?? [];
  t.is(pods.length, 1);
  t.deepEqual(pods[0]?.owner, { kind: 'Deployment', name: 'checkout' });
  t.is(pods[0]?.node, undefined, 'a kill picks from pod metadata, which names no node');
  t.deepEqual(
    json.dryRun.map((check) => `${check.action} ${check.name} ${check.outcome}`),
    [`delete ${pods[0]?.name} ok`],
  );
});

test.serial('percent 50 of 3 pods is 2 pods, checked by one deletion for their owner', async (t) => {
  const file = writeExperiment(podKill('kill-half', 'percent: 50'));
  const json = await planJson(file, '--seed', '5');
  const pods = json.faults[0]?.pods ?? [];
  t.is(pods.length, 2);
  t.is(new Set(pods.map((pod) => pod.name)).size, 2);
  for (const pod of pods) t.deepEqual(pod.owner, { kind: 'Deployment', name: 'checkout' });
  const [first, second] = pods.map((pod) => pod.name);
  t.deepEqual(
    json.dryRun.map((check) => `${check.action} ${check.name} ${check.outcome} ${check.standsFor}`),
    [`delete ${first} ok ${second}`],
  );
  const text = await plan(file, '--seed', '5');
  t.regex(
    text.stdout,
    new RegExp(
      `^\\s+shop\\s+pod/${second}\\s+Deployment/checkout\\s+-\\s+delete: ok \\(as ${first}, same owner\\)$`,
      'm',
    ),
  );
});

test.serial('--seed replays exactly the same pick', async (t) => {
  const file = writeExperiment(
    `${podKill('kill-one', 'count: 1')}\n- name: cordon-one\n  nodeCordon: { selector: pool=web, count: 1 }`,
  );
  const first = await planJson(file);
  const names = (json: PlanJson) =>
    json.faults.map((fault) => [...(fault.pods ?? []), ...(fault.nodes ?? [])].map((target) => target.name));
  const replays = await Promise.all([1, 2].map(() => planJson(file, '--seed', String(first.seed))));
  for (const replay of replays) {
    t.is(replay.seed, first.seed);
    t.deepEqual(names(replay), names(first));
  }
  const seeds = await Promise.all([11, 12, 13, 14, 15].map((seed) => planJson(file, '--seed', String(seed))));
  t.true(
    new Set(seeds.map((json) => JSON.stringify(names(json)))).size > 1,
    'other seeds pick other targets',
  );
});

test.serial('a namespace outside the allow-list exits 2 and says which rule', async (t) => {
  const file = writeExperiment(
    '- name: kill-elsewhere\n  podKill: { namespace: default, selector: app=checkout, count: 1 }',
  );
  const result = await plan(file);
  t.is(result.exitCode, ExitCode.invalidInput, result.stderr);
  t.regex(
    result.stderr,
    /safety: fault "kill-elsewhere" kills pods in namespace default, which is not in safety\.namespaces \(shop\)/,
  );
});

test.serial('kube-system is denied unless the allow-list names it', async (t) => {
  const faults =
    '- name: kill-system\n  podKill: { namespace: kube-system, selector: app=anything, count: 1 }';
  const denied = await plan(writeExperiment(faults, 'description: no safety section'));
  t.is(denied.exitCode, ExitCode.invalidInput, denied.stderr);
  t.regex(denied.stderr, /kube-system, which is denied unless safety\.namespaces names it/);
  const allowed = await plan(writeExperiment(faults, 'safety: { namespaces: [shop, kube-system] }'));
  t.is(allowed.exitCode, ExitCode.held, allowed.stderr);
  t.regex(allowed.stdout, /no pod in kube-system matches app=anything/);
});

test.serial('maxPodsPercent stops a plan that would kill too many pods', async (t) => {
  const result = await plan(
    writeExperiment(podKill('kill-most', 'count: 2'), 'safety: { namespaces: [shop], maxPodsPercent: 50 }'),
  );
  t.is(result.exitCode, ExitCode.invalidInput, result.stderr);
  t.regex(result.stderr, /kills 2 of 3 Running pods \(67%\).*maxPodsPercent is 50/);
  t.regex(result.stdout, /not checked/, 'no dry-run is sent for a plan the safety rules stop');
});

test.serial(
  'a PodDisruptionBudget with minAvailable 3 shows, by name, in the dry-run eviction of a drain',
  async (t) => {
    const name = 'faultline-plan-test-pdb';
    await policy.createNamespacedPodDisruptionBudget({
      namespace: 'shop',
      body: { metadata: { name }, spec: { minAvailable: 3, selector: { matchLabels: { app: 'checkout' } } } },
    });
    try {
      await waitUntil('the disruption controller to process the budget', async () => {
        const budget = await policy.readNamespacedPodDisruptionBudget({ namespace: 'shop', name });
        return (budget.status?.observedGeneration ?? 0) >= 1 ? budget : undefined;
      });
      // Every node: wherever the scheduler put the checkout pods, the drain meets them.
      const file = writeExperiment('- name: drain-all\n  nodeDrain: { selector: pool=web, percent: 100 }');
      const json = await planJson(file);
      const evictions = json.dryRun.filter((check) => check.action === 'evict');
      t.is(evictions.length, 3, JSON.stringify(json.dryRun));
      for (const eviction of evictions) {
        t.is(eviction.outcome, 'blocked');
        t.is(eviction.podDisruptionBudget, name);
      }
      t.true(
        json.dryRun.filter((check) => check.action === 'cordon').every((check) => check.outcome === 'ok'),
      );
      const text = await plan(file);
      t.is(text.exitCode, ExitCode.held, text.stderr);
      t.regex(text.stdout, new RegExp(`evict: blocked by PodDisruptionBudget ${name}`));
    } finally {
      await policy.deleteNamespacedPodDisruptionBudget({ namespace: 'shop', name });
    }
  },
);

test.serial(
  'plan makes no mutating request: the audit log shows only dry runs, and nothing changed',
  async (t) => {
    const podsBefore = await waitForThreeReadyCheckoutPods();
    const file = writeExperiment(
      [
        podKill('kill-one', 'count: 1'),
        '- name: drain-all\n  nodeDrain: { selector: pool=web, percent: 100 }',
        '- name: cordon-one\n  nodeCordon: { selector: pool=web, count: 1 }',
        `- name: slow-catalog\n  toxiproxy: { url: "${toxiproxyUrl}", proxy: catalog, toxic: latency, attributes: { latency: 800 } }`,
      ].join('\n'),
    );
    const offset = statSync(env.KUBE_AUDIT_LOG).size;
    const result = await plan(file);
    t.is(result.exitCode, ExitCode.held, result.stderr);
    await sleep(2_000);

    const events = readFileSync(env.KUBE_AUDIT_LOG)
      .subarray(offset)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(
        (line) =>
          JSON.parse(line) as {
            verb: string;
            requestURI: string;
            userAgent?: string;
            user: { username: string };
            objectRef?: { resource?: string; subresource?: string; name?: string };
          },
      );
    const byAdmin = events.filter((event) => event.user.username === 'faultline-admin');
    const byPlan = byAdmin.filter((event) => event.userAgent === planUserAgent);
    const describe = (event: (typeof events)[number]) =>
      `${event.verb} ${event.requestURI} (${event.userAgent ?? 'no user agent'})`;
    t.log(`${byPlan.length} audit events from plan; other admin mutations in the window:`);
    for (const event of byAdmin.filter((e) => e.userAgent !== planUserAgent)) t.log(`  ${describe(event)}`);

    const notDryRun = byPlan.filter(
      (event) => !new URL(event.requestURI, 'https://x').searchParams.getAll('dryRun').includes('All'),
    );
    t.deepEqual(notDryRun.map(describe), [], 'every mutating request from plan is a dry run');
    const kinds = new Set(
      byPlan.map(
        (event) => `${event.verb} ${event.objectRef?.resource}/${event.objectRef?.subresource ?? ''}`,
      ),
    );
    t.true(kinds.has('delete pods/'), `the pod deletion was checked: ${[...kinds].join(', ')}`);
    t.true(kinds.has('create pods/eviction'), 'the evictions were checked');
    t.true(kinds.has('patch nodes/'), 'the cordon was checked');

    t.deepEqual(await checkoutPodNames(), podsBefore, 'the same checkout pods');
    const nodes = await core.listNode({ labelSelector: 'pool=web' });
    for (const node of nodes.items) {
      t.not(node.spec?.unschedulable, true, `${node.metadata?.name} is schedulable`);
      t.is(node.metadata?.annotations?.['faultline.dev/cordoned-by'], undefined);
    }
    const proxy = (await (await fetch(`${env.TOXIPROXY_URL}/proxies/catalog`)).json()) as {
      toxics: unknown[];
    };
    t.deepEqual(proxy.toxics, [], 'no toxic on the catalog proxy');
  },
);

test.serial('a missing proxy is an error unless the fault declares listen and upstream', async (t) => {
  const missing = await plan(
    writeExperiment(
      `- name: cut\n  partition: { url: "${toxiproxyUrl}", proxy: faultline-plan-test-missing }`,
    ),
  );
  t.is(missing.exitCode, ExitCode.environmentError, missing.stderr);
  t.regex(
    missing.stderr,
    /fault "cut": proxy faultline-plan-test-missing does not exist \(declare listen and upstream/,
  );
  const declared = await planJson(
    writeExperiment(
      `- name: cut\n  partition: { url: "${toxiproxyUrl}", proxy: faultline-plan-test-missing, listen: "127.0.0.1:0", upstream: "127.0.0.1:1" }`,
    ),
  );
  t.like(declared.faults[0], {
    kind: 'partition',
    proxy: { proxy: 'faultline-plan-test-missing', exists: false },
  });
});

test.serial('an unreachable cluster or Toxiproxy exits 6 with one clear line', async (t) => {
  const port = await findClosedPort();
  const kubeconfig = join(directory, 'unreachable.kubeconfig');
  const text = readFileSync(env.KUBECONFIG, 'utf8');
  writeFileSync(kubeconfig, text.replace(/https:\/\/127\.0\.0\.1:\d+/, `https://127.0.0.1:${port}`));
  const cluster = await plan(writeExperiment(podKill('kill-one', 'count: 1')), '--kubeconfig', kubeconfig);
  t.is(cluster.exitCode, ExitCode.environmentError, cluster.stderr);
  t.regex(
    cluster.stderr,
    new RegExp(
      `^faultline plan: kubernetes: list pods in namespace shop: cannot reach the API server at https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
      'm',
    ),
  );

  const context = await plan(
    writeExperiment(podKill('kill-one', 'count: 1')),
    '--context',
    'no-such-context',
  );
  t.is(context.exitCode, ExitCode.environmentError, context.stderr);
  t.regex(context.stderr, /no context "no-such-context" \(known: sandbox\)/);

  const toxiproxy = await plan(
    writeExperiment(`- name: cut\n  partition: { url: "http://127.0.0.1:${port}", proxy: catalog }`),
  );
  t.is(toxiproxy.exitCode, ExitCode.environmentError, toxiproxy.stderr);
  t.regex(
    toxiproxy.stderr,
    new RegExp(`^faultline plan: toxiproxy http://127\\.0\\.0\\.1:${port}: .*cannot reach`, 'm'),
  );
});

test.serial('permission denied on the dry-run shows as an RBAC problem and exits 6', async (t) => {
  const name = 'faultline-plan-test-reader';
  const namespace = 'shop';
  const rules = [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get'] },
  ];
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  try {
    await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
    const token = await core.createNamespacedServiceAccountToken({
      namespace,
      name,
      body: { spec: { expirationSeconds: 600 } },
    });
    const cluster = kubeConfig.getCurrentCluster();
    const kubeconfig = join(directory, 'reader.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'sandbox', cluster: { server: cluster?.server, 'certificate-authority': cluster?.caFile } },
        ],
        users: [{ name: 'reader', user: { token: token.status?.token } }],
        contexts: [{ name: 'reader', context: { cluster: 'sandbox', user: 'reader' } }],
        'current-context': 'reader',
      }),
    );
    const result = await plan(writeExperiment(podKill('kill-one', 'count: 1')), '--kubeconfig', kubeconfig);
    t.is(result.exitCode, ExitCode.environmentError, result.stderr);
    t.regex(result.stdout, /delete: RBAC: .*forbidden/);
    t.regex(result.stderr, /1 dry-run request\(s\) permission denied; the run would fail/);
  } finally {
    await rbac.deleteNamespacedRoleBinding({ namespace, name }).catch(() => undefined);
    await rbac.deleteNamespacedRole({ namespace, name }).catch(() => undefined);
    await core.deleteNamespacedServiceAccount({ namespace, name });
  }
  t.deepEqual(await checkoutPodNames(), await waitForThreeReadyCheckoutPods());
});

test.serial(
  'invalid input exits 2 with the diagnostics, and an unresolved variable is an error for plan',
  async (t) => {
    const file = join(directory, 'unresolved.yaml');
    writeFileSync(
      file,
      readFileSync(writeExperiment(podKill('kill-one', 'count: 1')), 'utf8').replace(
        'namespace: shop,',
        `namespace: "${'$'}{NO_SUCH_VAR}",`,
      ),
    );
    const result = await plan(file);
    t.is(result.exitCode, ExitCode.invalidInput, result.stderr);
    t.regex(result.stderr, new RegExp(`${file.replaceAll('.', '\\.')}:\\d+:\\d+: error: .*NO_SUCH_VAR`));
    t.is(result.stdout, '');
    const bad = await plan(file, '--seed', 'not-a-number');
    t.is(bad.exitCode, ExitCode.invalidInput);
  },
);
