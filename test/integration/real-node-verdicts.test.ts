// The seeds' zero-downtime claims on real pods (issue 16): the experiments of experiments/real-nodes/
// run through the CLI at 200 requests/s through the real kube-proxy NodePorts. A rollout restart of
// the graceful storefront loses nothing and holds, of the fragile one loses requests and deviates; a
// pod kill (grace 10 s) and a node drain (PodDisruptionBudget minAvailable 2) of the graceful one
// lose nothing. Then kill -9 of a run mid-drain: its guard uncordons the node, with nothing run by
// hand, and the storefronts are whole again. bench/real-node-verdicts.ts repeats the four runs.
// Needs: the sandbox with real nodes (scripts/testenv.sh up --real-nodes 2); without them this file
// fails at once, saying so (loadRealNodesEnv).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import test, { type ExecutionContext } from 'ava';
import { cordonAnnotation } from '../../src/adapters/kubernetes-types.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { startFaultline } from '../helpers/faultline-process.ts';
import {
  nodeDrainGraceful,
  nodeWithMostGracefulPods,
  podKillGraceful,
  type RealNodeCase,
  type RealNodeRun,
  realNodeEnvironment,
  rolloutRestartFragile,
  rolloutRestartGraceful,
  runRealNodeCase,
  waitForWholeShop,
} from '../helpers/real-node-experiments.ts';
import { projectRoot } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-real-node-verdicts-'));
const env = realNodeEnvironment(dir);
const reportDir = join(dir, 'reports');
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(env.KUBECONFIG ?? '');
const core = kubeConfig.makeApiClient(CoreV1Api);

const shopWhole = () => waitForWholeShop(core);

const describe = (run: RealNodeRun) =>
  `${run.verdict}: ${run.sent} sent, ${run.lost} lost (${run.lostBy})${run.node ? ` on ${run.node}` : ''}`;

const windowOf = (run: RealNodeRun, fault: string) =>
  run.journal?.load?.streams[0]?.faultWindows?.find((w) => w.fault === fault)?.summary;

// One case through the CLI from a whole shop: its exit code, verdict and lost requests; a held one
// must have carried load through its fault's window.
async function runUnderLoad(t: ExecutionContext, item: RealNodeCase): Promise<RealNodeRun> {
  t.timeout(240_000);
  await shopWhole();
  const run = await runRealNodeCase(item, env, reportDir);
  t.log(describe(run));
  t.is(run.exitCode, item.verdict === 'held' ? ExitCode.held : ExitCode.deviated, run.output);
  t.is(run.verdict, item.verdict);
  if (item.loses) t.true(run.lost > 0, run.output);
  else {
    t.is(run.lost, 0, run.output);
    t.true((windowOf(run, item.fault)?.sent ?? 0) >= 1000, `${item.fault} ran under load`);
  }
  t.false(run.wrong);
  return run;
}

test.serial(
  'rolloutRestart of the graceful storefront at 200 req/s: every pod replaced, 0 lost, held',
  async (t) => {
    const run = await runUnderLoad(t, rolloutRestartGraceful);
    const effect = run.journal?.faults[0]?.actions[0]?.effect;
    t.is(effect?.outcome, 'rolled-out', effect?.detail);
  },
);

test.serial('rolloutRestart of the fragile storefront at 200 req/s: lost requests, deviated', async (t) => {
  const run = await runUnderLoad(t, rolloutRestartFragile);
  t.regex(run.journal?.reason ?? '', /^no-request-lost deviated 1 times in a row: lost requests \d+/);
  const phases = run.journal?.load?.streams[0]?.phases;
  t.is(phases?.find((p) => p.phase === 'steady-state-before')?.summary.lost, 0, 'nothing lost before');
  t.true((windowOf(run, 'restart-fragile')?.lost ?? 0) > 0, 'the losses are in the restart window');
});

test.serial('podKill (grace 10 s) of one graceful replica at 200 req/s: 0 lost, held', async (t) => {
  const run = await runUnderLoad(t, podKillGraceful);
  t.regex(run.output, /injected: kill-one-graceful-pod: pod shop-real\/storefront-graceful-/);
});

test.serial(
  'nodeDrain of a real node carrying graceful replicas, PDB minAvailable 2, at 200 req/s: 0 lost, held, uncordoned',
  async (t) => {
    const run = await runUnderLoad(t, nodeDrainGraceful);
    const effect = run.journal?.faults[0]?.actions[0]?.effect;
    t.log(`drain: ${effect?.outcome} after ${effect?.afterMs} ms; evicted ${effect?.evicted?.join(', ')}`);
    t.true(
      (effect?.evicted ?? []).some((pod) => pod.startsWith('shop-real/storefront-graceful-')),
      'the drain evicted graceful replicas',
    );
    const node = (await core.readNode({ name: run.node ?? '' })).spec;
    t.falsy(node?.unschedulable, `${run.node} is uncordoned`);
    t.false(run.wrong);
  },
);

test.serial(
  'kill -9 of a run mid-drain of a real node: with nothing run by hand, the node is uncordoned and the pods are back Ready',
  async (t) => {
    t.timeout(300_000);
    await shopWhole();
    const target = await nodeWithMostGracefulPods(env.KUBECONFIG ?? '');
    // A process group of its own (setsid execs the CLI), as a shell gives a job: kill -9 of the group
    // spares only the guard, which starts in a session of its own.
    const run = startFaultline(
      [
        'run',
        `${projectRoot}experiments/real-nodes/node-drain-graceful.yaml`,
        '--report-dir',
        reportDir,
        '--var',
        `DRAIN_NODES=kubernetes.io/hostname=${target}`,
      ],
      env,
      ['setsid'],
    );
    const group = -(run.child.pid ?? 0);
    t.teardown(() => {
      if (run.child.exitCode === null && run.child.signalCode === null) process.kill(group, 'SIGKILL');
    });
    await run.waitForOutput(/injected: drain-one-real-node/, 60_000);
    // Let the evictions begin: the first graceful pod leaves the node before the kill.
    const evicting = await waitUntil(
      `a graceful pod on ${target} terminating`,
      async () => {
        const pods = await core.listNamespacedPod({
          namespace: 'shop-real',
          labelSelector: 'app=storefront-graceful',
        });
        return pods.items.find((p) => p.spec?.nodeName === target && p.metadata?.deletionTimestamp)?.metadata
          ?.name;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const cordoned = (await core.readNode({ name: target })).spec?.unschedulable;
    t.true(cordoned, `${target} is cordoned while the run lives`);
    process.kill(group, 'SIGKILL');
    const killedAt = Date.now();
    t.is((await run.exited).signal, 'SIGKILL');
    const uncordonedAfterMs = await waitUntil(
      `${target} uncordoned`,
      async () => {
        const node = await core.readNode({ name: target });
        return !node.spec?.unschedulable && node.metadata?.annotations?.[cordonAnnotation] === undefined
          ? Date.now() - killedAt
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await shopWhole();
    t.log(
      `evicting ${evicting} when killed; ${target} uncordoned ${uncordonedAfterMs} ms after kill -9; shop whole`,
    );
    const runId = /^run (\S+) of/m.exec(run.stderr())?.[1] ?? '';
    const log = readFileSync(join(dir, 'guards', `${runId}.log`), 'utf8');
    t.regex(log, /is gone \(its channel closed without "done"\): reverting its faults/);
    t.regex(log, new RegExp(`reverted node ${target} cordoned in \\S+ \\(ledger: reverted\\)`));
  },
);
