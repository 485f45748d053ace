// rolloutRestart and scale driven through the CLI against the sandbox's cluster, `faultline recover`
// after a killed run, and the HorizontalPodAutoscaler refusal.
// Needs: kube-apiserver + kube-controller-manager + kube-scheduler + kwok (the fake nodes labelled
// type=kwok). No Toxiproxy, no Prometheus (so no metrics server: the API server accepts an HPA,
// which then has nothing to scale on).
//
// What it creates, and deletes afterwards: a namespace of its own with a Deployment `web` (3
// replicas) and a StatefulSet `db` (2 replicas) on the kwok nodes, and an HPA for one test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { originalReplicasAnnotation, scaledByLabel } from '../../src/faults/scale-fault.ts';
import { readLedgerLines } from '../../src/ledger/fault-ledger.ts';
import { runFaultline, startFaultline } from '../helpers/faultline-process.ts';
import { journalOf, writeExperimentFile } from '../helpers/run-journal.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(sandbox.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
const dir = mkdtempSync(join(tmpdir(), 'faultline-workloads-'));
const namespace = `faultline-wl-${Date.now().toString(36)}`;
let fileCount = 0;

function freshEnv(): NodeJS.ProcessEnv & { FAULTLINE_LEDGER: string } {
  fileCount++;
  // Without TOXIPROXY_URL: recovery must not touch the toxics of other tests on the sandbox.
  const { TOXIPROXY_URL: _, ...rest } = { ...process.env, ...sandbox };
  return { ...rest, FAULTLINE_LEDGER: join(dir, `ledger-${fileCount}.jsonl`), NO_COLOR: '1' };
}

const writeExperiment = (name: string, body: string) => writeExperimentFile(dir, name, body);

const readyAtLeast = (kind: string, name: string, atLeast: number) => `
  hypothesis:
    probes:
      - name: ${name}-ready
        kubernetes: { kind: ${kind}, namespace: ${namespace}, name: ${name}, field: status.readyReplicas }
        expect: { atLeast: ${atLeast} }
    during: { every: 500ms, failAfter: 1 }`;

const isReady = (pod: V1Pod) =>
  pod.metadata?.deletionTimestamp == null &&
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

// Exactly `count` Ready pods and no other pod left (a rollout's old pods gone too): their uids (a
// StatefulSet's replacement has the name of the pod it replaces).
const waitForPods = (selector: string, count: number) =>
  waitUntil(`${count} Ready pods ${selector} and no other`, async () => {
    const all = await core.listNamespacedPod({ namespace, labelSelector: selector });
    const ready = all.items.filter(isReady).map((pod) => pod.metadata?.uid ?? '');
    return ready.length === count && all.items.length === count ? ready : undefined;
  });

const podTemplate = (app: string) => ({
  metadata: { labels: { app } },
  spec: {
    nodeSelector: { type: 'kwok' },
    containers: [{ name: 'app', image: 'registry.example/faultline/test:1' }],
  },
});

async function deployment() {
  return apps.readNamespacedDeployment({ namespace, name: 'web' });
}

test.before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: podTemplate('web') },
    },
  });
  await apps.createNamespacedStatefulSet({
    namespace,
    body: {
      metadata: { name: 'db', labels: { app: 'db' } },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: podTemplate('db'),
      },
    },
  });
  await waitForPods('app=web', 3);
  await waitForPods('app=db', 2);
});

test.after.always(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

for (const [kind, name, replicas] of [
  ['Deployment', 'web', 3],
  ['StatefulSet', 'db', 2],
] as const) {
  test.serial(
    `rolloutRestart of a ${kind} with wait: every pod replaced, the journal says how long`,
    async (t) => {
      const before = await waitForPods(`app=${name}`, replicas);
      const file = writeExperiment(
        `restart-${name}`,
        `  duration: 5s${readyAtLeast(kind, name, 0)}
  faults:
    - name: restart-${name}
      rolloutRestart: { namespace: ${namespace}, kind: ${kind}, name: ${name}, wait: true, timeout: 60s }
      start: 500ms
  safety: { namespaces: [${namespace}] }
`,
      );
      const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], freshEnv());
      t.is(result.exitCode, ExitCode.held, result.stderr + result.stdout);
      const journal = journalOf(result.stdout);
      const [action] = journal.faults[0]?.actions ?? [];
      t.is(action?.effect?.outcome, 'rolled-out', JSON.stringify(action?.effect));
      t.true((action?.effect?.afterMs ?? -1) > 0);
      t.log(`${kind} ${name}: ${action?.effect?.detail} after ${action?.effect?.afterMs} ms`);
      t.true(journal.events.some((e) => e.type === 'rolled-out' && /ms after the inject/.test(e.message)));
      const after = await waitForPods(`app=${name}`, replicas);
      // By uid: a StatefulSet's replacement pod has the name of the one it replaces.
      t.deepEqual(
        after.filter((pod) => before.includes(pod)),
        [],
        'every pod was replaced',
      );
    },
  );
}

test.serial('scale to 1 for 2 s: the Deployment shrinks, and the revert restores 3 replicas', async (t) => {
  await waitForPods('app=web', 3);
  const file = writeExperiment(
    'shrink-web',
    `  duration: 4s${readyAtLeast('Deployment', 'web', 0)}
  faults:
    - name: shrink-web
      scale: { namespace: ${namespace}, kind: Deployment, name: web, replicas: 1 }
      start: 500ms
      duration: 2s
  steps:
    - name: replicas-while-shrunk
      at: 1500ms
      kubernetes: { kind: Deployment, namespace: ${namespace}, name: web, field: spec.replicas }
      expect: { equals: 1 }
  safety: { namespaces: [${namespace}] }
`,
  );
  const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], freshEnv());
  t.is(result.exitCode, ExitCode.held, result.stderr + result.stdout);
  const journal = journalOf(result.stdout);
  t.is(journal.samples.find((s) => s.probe === 'replicas-while-shrunk')?.outcome, 'ok', 'shrunk to 1');
  const [action] = journal.faults[0]?.actions ?? [];
  t.is(action?.target, `deployment/${namespace}/web (3 -> 1 replicas)`);
  t.is(action?.revert, 'reverted');
  const web = await deployment();
  t.is(web.spec?.replicas, 3);
  t.is(web.metadata?.labels?.[scaledByLabel], undefined, 'the mark is gone');
  t.is(web.metadata?.annotations?.[originalReplicasAnnotation], undefined);
  await waitForPods('app=web', 3);
});

test.serial('kill -9 while scaled down, then faultline recover: 3 replicas again', async (t) => {
  await waitForPods('app=web', 3);
  const env = freshEnv();
  const file = writeExperiment(
    'shrink-web-killed',
    `  duration: 60s${readyAtLeast('Deployment', 'web', 0)}
  faults:
    - name: shrink-web
      scale: { namespace: ${namespace}, kind: Deployment, name: web, delta: -2 }
      start: 200ms
  safety: { namespaces: [${namespace}] }
`,
  );
  const run = startFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
  await run.waitForOutput(/injected: shrink-web/, 60_000);
  const runId = /run (\S+) of/.exec(run.stderr())?.[1];
  // The run and its guard both die, as when their machine does (a run killed alone is reverted by
  // its guard: test/integration/run-guard.test.ts); then `faultline recover` finishes the job.
  process.kill(Number(/^guard (\d+) ready/m.exec(run.stderr())?.[1]), 'SIGKILL');
  run.child.kill('SIGKILL');
  await run.exited;
  const left = await deployment();
  t.is(left.spec?.replicas, 1, 'the killed run left the Deployment scaled down');
  t.is(left.metadata?.labels?.[scaledByLabel], runId);
  t.deepEqual(
    readLedgerLines(env.FAULTLINE_LEDGER).map((line) => line.type),
    ['open'],
    'the undo was in the ledger before the scale',
  );
  const recovered = await runFaultline(['recover', '--ledger', env.FAULTLINE_LEDGER], env);
  t.is(recovered.exitCode, 0, recovered.stderr + recovered.stdout);
  t.regex(recovered.stdout, new RegExp(`Deployment ${namespace}/web scaled \\(had 3 replicas\\).*reverted`));
  const web = await deployment();
  t.is(web.spec?.replicas, 3);
  t.is(web.metadata?.labels?.[scaledByLabel], undefined);
  await waitForPods('app=web', 3);
  const again = await runFaultline(['recover', '--ledger', env.FAULTLINE_LEDGER], env);
  t.regex(again.stdout, /nothing to recover/);
});

test.serial(
  'an HPA on the Deployment: scale refuses (not started, the HPA named) unless allowAutoscaler',
  async (t) => {
    await waitForPods('app=web', 3);
    await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: 'web-hpa' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
            },
          ],
        },
      },
    });
    try {
      const experiment = (allow: boolean) =>
        writeExperiment(
          `shrink-web-hpa-${allow}`,
          `  duration: 3s${readyAtLeast('Deployment', 'web', 0)}
  faults:
    - name: shrink-web
      scale: { namespace: ${namespace}, kind: Deployment, name: web, replicas: 2${allow ? ', allowAutoscaler: true' : ''} }
      start: 200ms
      duration: 1s
  safety: { namespaces: [${namespace}] }
`,
        );
      const plan = await runFaultline(['plan', experiment(false)], freshEnv());
      t.regex(
        plan.stdout,
        new RegExp(
          `HorizontalPodAutoscaler ${namespace}/web-hpa \\(1-5 replicas\\) targets Deployment ${namespace}/web`,
        ),
      );
      const env = freshEnv();
      const refused = await runFaultline(
        ['run', experiment(false), '--report-dir', join(dir, 'reports')],
        env,
      );
      t.is(refused.exitCode, ExitCode.notStarted, refused.stderr + refused.stdout);
      const journal = journalOf(refused.stdout);
      t.is(journal.verdict, 'not-started');
      t.regex(
        journal.reason ?? '',
        new RegExp(`HorizontalPodAutoscaler ${namespace}/web-hpa .*allowAutoscaler: true`),
      );
      t.deepEqual(journal.faults, [], 'nothing injected');
      t.deepEqual(readLedgerLines(env.FAULTLINE_LEDGER), [], 'nothing in the ledger');
      t.is((await deployment()).spec?.replicas, 3);

      const allowed = await runFaultline(
        ['run', experiment(true), '--report-dir', join(dir, 'reports')],
        freshEnv(),
      );
      t.is(allowed.exitCode, ExitCode.held, allowed.stderr + allowed.stdout);
      const [action] = journalOf(allowed.stdout).faults[0]?.actions ?? [];
      t.is(action?.target, `deployment/${namespace}/web (3 -> 2 replicas)`);
      t.is(action?.revert, 'reverted');
      await sleep(500);
      t.is((await deployment()).spec?.replicas, 3, 'restored, and the HPA did not move it');
    } finally {
      await autoscaling.deleteNamespacedHorizontalPodAutoscaler({ namespace, name: 'web-hpa' });
    }
  },
);
