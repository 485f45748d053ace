// Kubernetes faults at scale, Faultline beside kubectl in one run, against a sandbox of its own with
// 1 000 kwok nodes (run by hand; several minutes the first time, while 10 000 pods start):
//
//   FAULTLINE_TESTENV_DIR=/tmp/fl-k8s FAULTLINE_TESTENV_PORT_BASE=28000 bash scripts/testenv.sh up --nodes 1000
//   npm run bench:drain -- --env /tmp/fl-k8s/env [--pods 10000] [--rounds 2] [--plan-runs 5] [--cleanup]
//   FAULTLINE_TESTENV_DIR=/tmp/fl-k8s FAULTLINE_TESTENV_PORT_BASE=28000 bash scripts/testenv.sh down
//
// Namespace `bench` (bench/scale/cluster.ts), then, driving the real CLI as the package ships it
// (dist/, built first by scripts/build.ts):
//   1. `faultline plan` of a 10 % pod kill, --plan-runs times (default 5): whole process, wall time
//      and peak RSS (/usr/bin/time -v), each run and the median. Goal: < 1 s, < 150 MB.
//   2. the kill of 1 000 pods (one kill group: `faultline run` of a podKill, grace 0) and
//      `kubectl delete pods -l <the group> --grace-period=0 --force` (the same API call) of the other
//      group, alternating groups and order over --rounds rounds. Goal: Faultline ≤ 0.5× kubectl.
//   3. the drain of a node with 110 pods by `faultline run` of a nodeDrain and by `kubectl drain
//      --ignore-daemonsets --delete-emptydir-data --force`, alternating the two pinned nodes and the
//      order. Goal: Faultline ≤ 0.5× kubectl.
// Both sides of 2 and 3 are timed the same way: from the spawn of the process to the moment the
// bench's own watch sees the API server accept the deletion of the last targeted pod
// (deletionTimestamp set; bench/scale/pods-gone.ts). So Faultline's
// side includes its start, loading and validating the experiment, the steady state before and
// starting its guard; kubectl's its start and discovery.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSandboxEnv } from '../test/helpers/sandbox-env.ts';
import { createScaleCluster, killGroup, namespace, pinnedPods } from './scale/cluster.ts';
import { listTargets, whenAllGone } from './scale/pods-gone.ts';
import { check, type Timed, timed } from './scale/timed-process.ts';

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
const planRuns = Number(argument('plan-runs', '5'));
const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-drain-'));
const sandboxEnv = loadSandboxEnv(envFile);
const childEnv: NodeJS.ProcessEnv = { ...process.env, ...sandboxEnv, NO_COLOR: '1' };
const cluster = createScaleCluster(sandboxEnv.KUBECONFIG);

const run = (command: string, args: string[], measure = false) =>
  timed(command, args, { env: childEnv, cwd: projectRoot, measure });
const faultline = (args: string[]) =>
  run(process.execPath, [join(projectRoot, 'dist/faultline.js'), ...args], true);
const runArgs = (file: string) => [
  'run',
  file,
  '--report-dir',
  join(dir, 'reports'),
  '--ledger',
  join(dir, 'ledger.jsonl'),
];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (kb: number | undefined) => (kb === undefined ? '?' : `${(kb / 1024).toFixed(0)} MB`);

function writeExperiment(name: string, fault: string, duration = '3s'): string {
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
      start: 0s
  recovery: 0s
  safety: { namespaces: [${namespace}], maxPods: 1000 }
`,
  );
  return file;
}

type Selectors = { labelSelector?: string; fieldSelector?: string };

// From the spawn of the tool to the bench's watch seeing the last target deleted.
async function timedRemoval(selectors: Selectors, start: () => Promise<Timed>, what: string) {
  const targets = await listTargets(cluster.core, namespace, selectors);
  const watch = await whenAllGone(cluster.kubeConfig, namespace, selectors, targets);
  try {
    const result = await start();
    check(result, what);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what}: targets still there 2 min after it ended`)),
        120_000,
      ).unref(),
    );
    const goneAt = await Promise.race([watch.gone, timeout]);
    return { ms: goneAt - result.startedAt, removed: targets.uids.size, maxRssKb: result.maxRssKb };
  } finally {
    watch.stop();
  }
}

async function measurePlan() {
  const file = writeExperiment(
    'bench-plan-10-percent',
    `podKill: { namespace: ${namespace}, selector: bench=pod, percent: 10, gracePeriod: 0s }`,
  );
  const walls: number[] = [];
  const peaks: number[] = [];
  for (let index = 1; index <= planRuns; index++) {
    const plan = await faultline(['plan', file, '--seed', '7', '--output', 'json']);
    check(plan, 'faultline plan');
    const planned = JSON.parse(plan.stdout) as {
      faults: { pods: unknown[] }[];
      dryRun: { outcome: string; standsFor?: string[] }[];
    };
    const ok = planned.dryRun.filter((c) => c.outcome === 'ok');
    const covered = ok.reduce((sum, c) => sum + 1 + (c.standsFor?.length ?? 0), 0);
    walls.push(plan.wallMs);
    peaks.push(plan.maxRssKb ?? Number.NaN);
    console.log(
      `plan 10 % kill, run ${index}: ${planned.faults[0]?.pods.length} of ${totalPods} pods picked, ${ok.length} dry-run deletes ok (one per owner, for ${covered} pods): wall ${seconds(plan.wallMs)}, peak RSS ${megabytes(plan.maxRssKb)}`,
    );
  }
  console.log(
    `plan 10 % kill, median of ${planRuns}: wall ${seconds(median(walls))} (goal < 1 s), peak RSS ${megabytes(median(peaks))} (goal < 150 MB); load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const killBy = {
  faultline: (selector: string) => {
    const file = writeExperiment(
      'bench-kill-1000',
      `podKill: { namespace: ${namespace}, selector: "${selector}", percent: 100, gracePeriod: 0s }`,
      // Long enough for every deletion: the method's end stops a kill still under way.
      '60s',
    );
    return faultline(runArgs(file));
  },
  kubectl: (selector: string) =>
    run('kubectl', ['delete', 'pods', '-n', namespace, '-l', selector, '--grace-period=0', '--force'], true),
};

const drainBy = {
  faultline: async (node: string) => {
    const fault = `nodeDrain: { selector: "kubernetes.io/hostname=${node}", deleteEmptyDirData: true, force: true, timeout: 5m }`;
    return faultline(runArgs(writeExperiment(`bench-drain-${node}`, fault)));
  },
  kubectl: async (node: string) => {
    const args = ['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=5m'];
    const result = await run('kubectl', args, true);
    check(await run('kubectl', ['uncordon', node]), `kubectl uncordon ${node}`);
    return result;
  },
};

type Tool = 'faultline' | 'kubectl';

// Rounds alternating which tool gets which target and which goes first; the ratio of total times.
async function compare(
  what: string,
  targets: [string, string],
  measure: (tool: Tool, target: string) => Promise<{ ms: number; removed: number; maxRssKb?: number }>,
) {
  const totals = { faultline: 0, kubectl: 0 };
  for (let round = 1; round <= rounds; round++) {
    const odd = round % 2 === 1;
    const order: Tool[] = odd ? ['faultline', 'kubectl'] : ['kubectl', 'faultline'];
    for (const tool of order) {
      const target = (tool === 'faultline') === odd ? targets[0] : targets[1];
      const result = await measure(tool, target);
      totals[tool] += result.ms;
      console.log(
        `round ${round}: ${what} by ${tool.padEnd(9)} ${result.removed} pods deleted ${seconds(result.ms)} after its start, peak RSS ${megabytes(result.maxRssKb)}`,
      );
    }
  }
  const ratio = totals.faultline / totals.kubectl;
  console.log(
    `${what}, ${rounds} rounds: Faultline ${seconds(totals.faultline)} vs kubectl ${seconds(totals.kubectl)}; ratio ${ratio.toFixed(2)} (goal ≤ 0.50${ratio <= 0.5 ? ', met' : ', missed'})`,
  );
  return ratio;
}

const build = spawnSync(process.execPath, [join(projectRoot, 'scripts/build.ts')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const { nodeA, nodeB } = await cluster.setUp(totalPods);
await measurePlan();
const killRatio = await compare(
  'kill of 1 000 pods',
  [killGroup('a'), killGroup('b')],
  async (tool, selector) => {
    await cluster.waitAllReady('every bench pod Ready');
    return timedRemoval({ labelSelector: selector }, () => killBy[tool](selector), `${tool} kill`);
  },
);
const drainRatio = await compare(`drain of a ${pinnedPods}-pod node`, [nodeA, nodeB], async (tool, node) => {
  await cluster.waitAllReady('every bench pod Ready');
  await cluster.readyOn(node);
  return timedRemoval(
    { fieldSelector: `spec.nodeName=${node}` },
    () => drainBy[tool](node),
    `${tool} drain of ${node}`,
  );
});
await cluster.readyOn(nodeA);
await cluster.readyOn(nodeB);
if (process.argv.includes('--cleanup')) await cluster.cleanup();
if (cluster.stuckReplaced() > 0)
  console.log(`kwok left ${cluster.stuckReplaced()} pods Running but not Ready in all; they were replaced`);
console.log(`files in ${dir}`);
process.exitCode = killRatio <= 1 && drainRatio <= 1 ? 0 : 1;
