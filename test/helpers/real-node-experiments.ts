// The experiments of experiments/real-nodes/ as the integration test and bench/real-node-verdicts.ts
// run them: through the real CLI against the sandbox's real nodes, each with the verdict and the
// lost requests it must give. The drain picks the real node carrying the most graceful replicas.
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Journal } from '../../src/engine/journal.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { runFaultline } from './faultline-process.ts';
import { journalOf } from './run-journal.ts';
import { loadRealNodesEnv, loadSandboxEnv, projectRoot } from './sandbox-env.ts';
import { waitUntil } from './wait-until.ts';

export type RealNodeCase = {
  name: string;
  file: string;
  verdict: 'held' | 'deviated';
  /** Whether the run must lose requests (deviated) or none (held). */
  loses: boolean;
  /** The fault whose window the figures are taken from. */
  fault: string;
};

export const rolloutRestartGraceful: RealNodeCase = {
  name: 'rollout restart, graceful',
  file: 'rollout-restart-graceful',
  verdict: 'held',
  loses: false,
  fault: 'restart-graceful',
};
export const rolloutRestartFragile: RealNodeCase = {
  name: 'rollout restart, fragile',
  file: 'rollout-restart-fragile',
  verdict: 'deviated',
  loses: true,
  fault: 'restart-fragile',
};
export const podKillGraceful: RealNodeCase = {
  name: 'pod kill (grace 10 s), graceful',
  file: 'pod-kill-graceful',
  verdict: 'held',
  loses: false,
  fault: 'kill-one-graceful-pod',
};
export const nodeDrainGraceful: RealNodeCase = {
  name: 'node drain with a PDB, graceful',
  file: 'node-drain-graceful',
  verdict: 'held',
  loses: false,
  fault: 'drain-one-real-node',
};
export const realNodeCases = [
  rolloutRestartGraceful,
  rolloutRestartFragile,
  podKillGraceful,
  nodeDrainGraceful,
];

export type RealNodeRun = {
  exitCode: number | null;
  verdict: string;
  wrong: boolean;
  sent: number;
  lost: number;
  lostBy: string;
  /** The drained node, for the drain. */
  node?: string;
  journal: Journal | undefined;
  output: string;
};

export function realNodeEnvironment(dir: string): NodeJS.ProcessEnv {
  const sandbox = loadSandboxEnv();
  const real = loadRealNodesEnv();
  return {
    ...process.env,
    ...sandbox,
    GRACEFUL_NODEPORT_URL: real.GRACEFUL_NODEPORT_URL,
    FRAGILE_NODEPORT_URL: real.FRAGILE_NODEPORT_URL,
    FAULTLINE_LEDGER: join(dir, 'ledger.jsonl'),
    NO_COLOR: '1',
  };
}

/** The real node that carries the most graceful storefront pods (the drain's target). */
export async function nodeWithMostGracefulPods(kubeconfig: string): Promise<string> {
  const pods = await coreApi(kubeconfig).listNamespacedPod({
    namespace: 'shop-real',
    labelSelector: 'app=storefront-graceful',
  });
  const count = new Map<string, number>();
  for (const pod of pods.items) {
    const node = pod.spec?.nodeName;
    if (node && !pod.metadata?.deletionTimestamp) count.set(node, (count.get(node) ?? 0) + 1);
  }
  const [best] = [...count.entries()].sort((a, b) => b[1] - a[1]);
  if (!best) throw new Error('no graceful storefront pod is scheduled on a node');
  return best[0];
}

/** Runs one case through the CLI and judges it: a wrong verdict, exit code or lost count is wrong. */
export async function runRealNodeCase(
  item: RealNodeCase,
  env: NodeJS.ProcessEnv,
  reportDir: string,
): Promise<RealNodeRun> {
  const node =
    item.file === 'node-drain-graceful' ? await nodeWithMostGracefulPods(env.KUBECONFIG ?? '') : undefined;
  const args = [
    'run',
    `${projectRoot}experiments/real-nodes/${item.file}.yaml`,
    '--report-dir',
    reportDir,
    ...(node ? ['--var', `DRAIN_NODES=kubernetes.io/hostname=${node}`] : []),
  ];
  const result = await runFaultline(args, env);
  const output = `${result.stderr}${result.stdout}`;
  let journal: Journal | undefined;
  try {
    journal = journalOf(result.stdout);
  } catch {}
  const total = journal?.load?.streams[0]?.total;
  const lostBy = total?.lostBy;
  const verdict = journal?.verdict ?? `exit ${result.exitCode}`;
  const lost = total?.lost ?? -1;
  const expectedExit = item.verdict === 'held' ? ExitCode.held : ExitCode.deviated;
  return {
    exitCode: result.exitCode,
    verdict,
    wrong:
      result.exitCode !== expectedExit || verdict !== item.verdict || (item.loses ? !(lost > 0) : lost !== 0),
    sent: total?.sent ?? 0,
    lost,
    lostBy: lostBy
      ? `${lostBy.wrongStatus} wrong status, ${lostBy.timeout} timeout, ${lostBy.connectionFailure} connection failure`
      : 'n/a',
    ...(node ? { node } : {}),
    journal,
    output,
  };
}

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** Both storefronts with 3 Ready pods and no other: each run starts from, and leaves, a whole shop. */
export function waitForWholeShop(core: CoreV1Api, timeoutMs = 180_000): Promise<true> {
  return waitUntil(
    'storefront-graceful and storefront-fragile with 3 Ready pods each and no other',
    async () => {
      for (const app of ['storefront-graceful', 'storefront-fragile']) {
        const pods = await core.listNamespacedPod({ namespace: 'shop-real', labelSelector: `app=${app}` });
        if (pods.items.length !== 3 || !pods.items.every(isReady)) return undefined;
      }
      return true;
    },
    { timeoutMs },
  );
}

export function coreApi(kubeconfig: string): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return config.makeApiClient(CoreV1Api);
}
