// Kubernetes faults at scale, by hand, against a sandbox of its own with 1 000 kwok nodes:
//
//   FAULTLINE_TESTENV_DIR=/tmp/fl-k8s FAULTLINE_TESTENV_PORT_BASE=38000 bash scripts/testenv.sh up --nodes 1000
//   npm run bench:drain -- --env /tmp/fl-k8s/env [--pods 10000] [--rounds 2] [--cleanup]
//   FAULTLINE_TESTENV_DIR=/tmp/fl-k8s FAULTLINE_TESTENV_PORT_BASE=38000 bash scripts/testenv.sh down
//
// It creates namespace `bench` with --pods pods (Deployments; two of them pinned by nodeSelector to
// two empty nodes, 110 pods each, the nodes' capacity), then measures, driving the real CLI:
//   1. `faultline plan` of a 10 % pod kill (listing, seeded pick, owners, 1 000 dry-run deletes);
//   2. that kill run for real (grace 0): time to pick and delete, time until every owner is Ready;
//   3. a drain of a node with 110 pods by Faultline and by `kubectl drain --ignore-daemonsets
//      --delete-emptydir-data --force` (the sandbox's kubectl), alternating nodes and order over
//      --rounds rounds, on the same cluster in the same run: the ratio of wall times.
// Faultline's drain time is read from its journal: from the start of the fault's round (targets
// listed, the node cordoned) until the last evicted pod is gone. kubectl's is the wall time of its
// process. Peak memory is the max RSS of each faultline process (/usr/bin/time -v).
// The namespace is left in place for the next run unless --cleanup.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import type { Journal } from '../src/engine/journal.ts';

const projectRoot = new URL('../', import.meta.url).pathname;
const argument = (name: string, fallback?: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const envFile = argument(
  'env',
  process.env.FAULTLINE_TESTENV_DIR && `${process.env.FAULTLINE_TESTENV_DIR}/env`,
);
if (!envFile) throw new Error('give --env <the sandbox env file>, e.g. --env /tmp/fl-k8s/env');
const totalPods = Number(argument('pods', '10000'));
const rounds = Number(argument('rounds', '2'));
const namespace = 'bench';
const pinnedPods = 110;
const spreadPerDeployment = 100;
const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-drain-'));

const sandboxEnv = readEnv(envFile);
const childEnv: NodeJS.ProcessEnv = { ...process.env, ...sandboxEnv, NO_COLOR: '1' };
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(sandboxEnv.KUBECONFIG ?? '');
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);

function readEnv(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2];
  }
  if (values.PATH) values.PATH = values.PATH.replace('$PATH', process.env.PATH ?? '');
  return values;
}

type Timed = { wallMs: number; exitCode: number | null; stdout: string; stderr: string; maxRssKb?: number };

// Runs a command (under /usr/bin/time -v when `measure`), returning its wall time and peak RSS.
function timed(command: string, args: string[], measure = false): Promise<Timed> {
  const [program, programArgs] = measure ? ['/usr/bin/time', ['-v', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(program, programArgs, {
      env: childEnv,
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      resolve({
        wallMs: performance.now() - started,
        exitCode,
        stdout,
        stderr,
        ...(rss ? { maxRssKb: Number(rss) } : {}),
      });
    });
  });
}

const faultline = (args: string[]) =>
  timed(process.execPath, [join(projectRoot, 'cli/faultline.ts'), ...args], true);

function writeExperiment(name: string, duration: string, fault: string, recovery = '0s'): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  hypothesis:
    probes:
      - name: pinned-a-exists
        kubernetes: { kind: Deployment, namespace: ${namespace}, name: pinned-a, field: status.readyReplicas }
        expect: { atLeast: 0 }
  faults:
    - name: ${name}
      ${fault}
      start: 1s
  recovery: ${recovery}
  safety: { namespaces: [${namespace}] }
`,
  );
  return file;
}

function deployment(name: string, replicas: number, nodeSelector: Record<string, string>): V1Deployment {
  return {
    metadata: { name, labels: { app: name, bench: 'pod' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, bench: 'pod' } },
        spec: {
          nodeSelector,
          terminationGracePeriodSeconds: 30,
          containers: [{ name: 'app', image: 'registry.example/bench/app:1' }],
        },
      },
    },
  };
}

async function podsOn(node: string): Promise<number> {
  const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}`, limit: 500 });
  return pods.items.length;
}

async function readyInNamespace(): Promise<{ ready: number; desired: number }> {
  const list = await apps.listNamespacedDeployment({ namespace });
  let ready = 0;
  let desired = 0;
  for (const item of list.items) {
    ready += item.status?.readyReplicas ?? 0;
    desired += item.spec?.replicas ?? 0;
  }
  return { ready, desired };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15 * 60_000) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(1_000);
  }
  return performance.now() - started;
}

const allReady = async () => {
  const { ready, desired } = await readyInNamespace();
  return desired > 0 && ready === desired;
};

// kwok under load: when its lease renewals for 1 000 nodes lag past the node monitor's grace
// period, the node lifecycle controller marks every pod on those nodes Ready=False, and kwok's
// fast stages (which only act on Pending pods) never set them Ready again. Such pods are replaced.
async function replaceStuckPods(): Promise<number> {
  const stuck: string[] = [];
  let token: string | undefined;
  do {
    const page = await core.listNamespacedPod({ namespace, limit: 500, _continue: token });
    for (const pod of page.items) {
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (pod.status?.phase === 'Running' && !ready && !pod.metadata?.deletionTimestamp)
        stuck.push(pod.metadata?.name ?? '');
    }
    token = page.metadata?._continue || undefined;
  } while (token);
  for (let index = 0; index < stuck.length; index += 20) {
    await Promise.all(
      stuck
        .slice(index, index + 20)
        .map((name) =>
          core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 }).catch(() => undefined),
        ),
    );
  }
  return stuck.length;
}

// Every bench pod Ready, replacing pods kwok left stuck when it takes a while.
async function waitAllReady(what: string) {
  let lastRepair = performance.now();
  return waitFor(what, async () => {
    if (await allReady()) return true;
    if (performance.now() - lastRepair > 20_000) {
      lastRepair = performance.now();
      const replaced = await replaceStuckPods();
      if (replaced > 0) {
        stuckReplaced += replaced;
        console.log(`  (replaced ${replaced} pods kwok left Running but not Ready)`);
      }
    }
    return false;
  });
}
let stuckReplaced = 0;

// Two empty nodes for the pinned Deployments, and the rest spread over every kwok node.
async function setUp(): Promise<{ nodeA: string; nodeB: string }> {
  const existing = await core.readNamespace({ name: namespace }).catch(() => undefined);
  if (existing) {
    const list = await apps.listNamespacedDeployment({ namespace });
    const pinned = list.items.filter((d) => d.metadata?.name?.startsWith('pinned-'));
    const nodeOf = (d: V1Deployment) => d.spec?.template.spec?.nodeSelector?.['kubernetes.io/hostname'] ?? '';
    const [a, b] = [
      pinned.find((d) => d.metadata?.name === 'pinned-a'),
      pinned.find((d) => d.metadata?.name === 'pinned-b'),
    ];
    if (a && b) {
      console.log(`reusing namespace ${namespace} (${(await readyInNamespace()).desired} pods)`);
      await waitAllReady('every bench pod Ready');
      return { nodeA: nodeOf(a), nodeB: nodeOf(b) };
    }
    throw new Error(`namespace ${namespace} exists without pinned-a/pinned-b: delete it first`);
  }
  const nodes = (await core.listNode({ labelSelector: 'type=kwok' })).items.map(
    (n) => n.metadata?.name ?? '',
  );
  if (nodes.length < 1000) console.log(`note: only ${nodes.length} kwok nodes (the issue asks for 1 000)`);
  const empty: string[] = [];
  for (const node of nodes.slice().reverse()) {
    if ((await podsOn(node)) === 0) empty.push(node);
    if (empty.length === 2) break;
  }
  const [nodeA, nodeB] = empty;
  if (!nodeA || !nodeB) throw new Error('no two empty nodes to pin 110 pods each on');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const created = performance.now();
  for (const [name, node] of [
    ['pinned-a', nodeA],
    ['pinned-b', nodeB],
  ] as const) {
    await apps.createNamespacedDeployment({
      namespace,
      body: deployment(name, pinnedPods, { 'kubernetes.io/hostname': node }),
    });
  }
  await waitAllReady('the pinned pods Ready');
  let left = totalPods - 2 * pinnedPods;
  for (let index = 0; left > 0; index++) {
    const replicas = Math.min(spreadPerDeployment, left);
    left -= replicas;
    const name = `spread-${String(index).padStart(3, '0')}`;
    await apps.createNamespacedDeployment({ namespace, body: deployment(name, replicas, { type: 'kwok' }) });
  }
  const waited = await waitAllReady(`${totalPods} bench pods Ready`);
  console.log(
    `created ${totalPods} pods in ${namespace} (${nodeA} and ${nodeB} with ${pinnedPods} each) in ${((performance.now() - created) / 1000).toFixed(0)} s (${(waited / 1000).toFixed(0)} s waiting for Ready)`,
  );
  return { nodeA, nodeB };
}

function readJournal(stdout: string): Journal {
  const file = /journal: (\S+)/.exec(stdout)?.[1];
  if (!file) throw new Error(`no journal in:\n${stdout}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Journal;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (kb: number | undefined) => (kb === undefined ? '?' : `${(kb / 1024).toFixed(0)} MB`);
const runArgs = (file: string) => [
  'run',
  file,
  '--report-dir',
  join(dir, 'reports'),
  '--ledger',
  join(dir, 'ledger.jsonl'),
];

function check(result: Timed, what: string, expected = 0) {
  if (result.exitCode !== expected)
    throw new Error(
      `${what} exited ${result.exitCode}:\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-2000)}`,
    );
}

async function measurePlanAndKill() {
  const killFile = writeExperiment(
    'bench-kill-10-percent',
    '30s',
    `podKill: { namespace: ${namespace}, selector: bench=pod, percent: 10, gracePeriod: 0s }`,
    '90s',
  );
  const plan = await faultline(['plan', killFile, '--seed', '7', '--output', 'json']);
  check(plan, 'faultline plan');
  const planned = JSON.parse(plan.stdout) as { faults: { pods: unknown[] }[]; dryRun: { outcome: string }[] };
  console.log(
    `plan 10 % kill: ${planned.faults[0]?.pods.length} of ${totalPods} pods picked, ${planned.dryRun.filter((c) => c.outcome === 'ok').length} dry-run deletes ok: wall ${seconds(plan.wallMs)}, peak RSS ${megabytes(plan.maxRssKb)}`,
  );

  const kill = await faultline([...runArgs(killFile), '--seed', '7']);
  check(kill, 'faultline run (kill)');
  const journal = readJournal(kill.stdout);
  const actions = journal.faults[0]?.actions ?? [];
  const roundStart = (journal.methodStartedAt ?? 0) + (journal.faults[0]?.startMs ?? 0);
  const injected = actions.map((a) => a.injectedAt ?? 0);
  const readyAt = actions.flatMap((a) =>
    a.effect?.outcome === 'ready' && a.injectedAt !== undefined
      ? [a.injectedAt + (a.effect.afterMs ?? 0)]
      : [],
  );
  const owners = new Set(actions.map((a) => a.owner)).size;
  const notReady = actions.filter((a) => a.effect?.outcome !== 'ready').length;
  console.log(
    `kill 10 %: ${actions.length} pods of ${owners} owners; picked and deleted in ${seconds(Math.max(...injected) - roundStart)} (deletes alone ${seconds(Math.max(...injected) - Math.min(...injected))}); every owner fully Ready ${seconds(Math.max(...readyAt) - roundStart)} after the round began (${notReady} not Ready by the end); run wall ${seconds(kill.wallMs)} (a 30 s method, then 90 s of recovery while the owners are watched), peak RSS ${megabytes(kill.maxRssKb)}`,
  );
  await waitAllReady('every bench pod Ready after the kill');
  return { plan, kill, killed: actions.length };
}

async function faultlineDrain(node: string) {
  const file = writeExperiment(
    `bench-drain-${node}`,
    '20s',
    `nodeDrain: { selector: "kubernetes.io/hostname=${node}", deleteEmptyDirData: true, force: true, timeout: 5m }`,
  );
  const result = await faultline(runArgs(file));
  check(result, `faultline drain of ${node}`);
  const journal = readJournal(result.stdout);
  const action = journal.faults[0]?.actions[0];
  if (action?.effect?.outcome !== 'drained')
    throw new Error(`drain of ${node}: ${JSON.stringify(action?.effect)}`);
  const roundStart = (journal.methodStartedAt ?? 0) + (journal.faults[0]?.startMs ?? 0);
  const drainMs = (action.injectedAt ?? 0) + (action.effect.afterMs ?? 0) - roundStart;
  return {
    drainMs,
    evicted: action.effect.evicted?.length ?? 0,
    maxRssKb: result.maxRssKb,
    wallMs: result.wallMs,
  };
}

async function kubectlDrain(node: string) {
  const result = await timed('kubectl', [
    'drain',
    node,
    '--ignore-daemonsets',
    '--delete-emptydir-data',
    '--force',
    '--timeout=5m',
  ]);
  check(result, `kubectl drain ${node}`);
  const evicted = (result.stdout.match(/ evicted\n/g) ?? []).length;
  const throttled = result.stderr.split('\n').filter((line) => /client-side throttling/.test(line));
  if (throttled.length > 0)
    console.log(`  kubectl: ${throttled.length} lines like "${throttled[0]?.trim()}"`);
  check(await timed('kubectl', ['uncordon', node]), `kubectl uncordon ${node}`);
  return { drainMs: result.wallMs, evicted };
}

async function readyOn(node: string) {
  await waitFor(`${pinnedPods} pods back on ${node}`, async () => {
    const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
    const ready = pods.items.filter(
      (p) =>
        !p.metadata?.deletionTimestamp &&
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    return ready.length >= pinnedPods;
  });
}

async function measureDrains(nodeA: string, nodeB: string) {
  const results: {
    round: number;
    tool: string;
    node: string;
    drainMs: number;
    evicted: number;
    maxRssKb?: number;
  }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const [forFaultline, forKubectl] = round % 2 === 1 ? [nodeA, nodeB] : [nodeB, nodeA];
    const order = round % 2 === 1 ? ['faultline', 'kubectl'] : ['kubectl', 'faultline'];
    for (const tool of order) {
      const node = tool === 'faultline' ? forFaultline : forKubectl;
      await waitAllReady('every bench pod Ready');
      await readyOn(node);
      const result: { drainMs: number; evicted: number; maxRssKb?: number } =
        tool === 'faultline' ? await faultlineDrain(node) : await kubectlDrain(node);
      results.push({ round, tool, node, ...result });
      console.log(
        `round ${round}: ${tool.padEnd(9)} drained ${node} (${result.evicted} pods) in ${seconds(result.drainMs)}${result.maxRssKb === undefined ? '' : `, peak RSS ${megabytes(result.maxRssKb)}`}`,
      );
    }
  }
  const total = (tool: string) =>
    results.filter((r) => r.tool === tool).reduce((sum, r) => sum + r.drainMs, 0);
  const ratio = total('faultline') / total('kubectl');
  console.log(
    `drain, ${rounds} rounds: Faultline ${seconds(total('faultline'))} vs kubectl ${seconds(total('kubectl'))} in all; Faultline/kubectl wall-time ratio ${ratio.toFixed(2)}${ratio <= 1 ? ' (no slower)' : ' (SLOWER)'}`,
  );
  await readyOn(nodeA);
  await readyOn(nodeB);
  return { results, ratio };
}

const { nodeA, nodeB } = await setUp();
const kubectlStart = await timed('kubectl', ['get', 'node', nodeA, '-o', 'name']);
console.log(
  `(for scale: a bare \`kubectl get node\` takes ${seconds(kubectlStart.wallMs)} of process start-up and one request)`,
);
await measurePlanAndKill();
const { ratio } = await measureDrains(nodeA, nodeB);
if (process.argv.includes('--cleanup')) await core.deleteNamespace({ name: namespace });
if (stuckReplaced > 0)
  console.log(`kwok left ${stuckReplaced} pods Running but not Ready in all; they were replaced`);
console.log(`files in ${dir}`);
process.exitCode = ratio <= 1 ? 0 : 1;
