// spec.safety.apiRate: a kill's deletions go out at the rate given, not all at once.
// Needs: kube-apiserver + kube-controller-manager + kube-scheduler + kwok (the pool=web nodes).
// Creates a namespace of its own with one Deployment of 5 pods, and deletes it afterwards.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { runFaultline } from '../helpers/faultline-process.ts';
import { journalOf, writeExperimentFile } from '../helpers/run-journal.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(sandbox.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const dir = mkdtempSync(join(tmpdir(), 'faultline-api-rate-'));
const namespace = `faultline-rate-${Date.now().toString(36)}`;
const replicas = 5;

const readyCount = async () =>
  (await apps.readNamespacedDeployment({ namespace, name: 'paced' })).status?.readyReplicas ?? 0;

test.before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'paced', labels: { app: 'paced' } },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'paced' } },
        template: {
          metadata: { labels: { app: 'paced' } },
          spec: {
            nodeSelector: { pool: 'web' },
            containers: [{ name: 'app', image: 'registry.example/faultline/test:1' }],
          },
        },
      },
    },
  });
  await waitUntil(
    `${replicas} paced pods Ready`,
    async () => (await readyCount()) === replicas || undefined,
    {
      timeoutMs: 60_000,
    },
  );
});

test.after.always(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

test('apiRate 4/s: the 5 deletions of one kill go out at least 250 ms apart in all, and the pods come back', async (t) => {
  const file = writeExperimentFile(
    dir,
    'paced-kill',
    `  duration: 4s
  hypothesis:
    probes:
      - name: paced-exists
        kubernetes: { kind: Deployment, namespace: ${namespace}, name: paced, field: spec.replicas }
        expect: { equals: ${replicas} }
  faults:
    - name: kill-all
      podKill: { namespace: ${namespace}, selector: app=paced, percent: 100, gracePeriod: 0s }
      start: 0s
  safety: { namespaces: [${namespace}], apiRate: 4/s }
`,
  );
  const env = { ...process.env, ...sandbox, FAULTLINE_LEDGER: join(dir, 'ledger.jsonl'), NO_COLOR: '1' };
  const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
  t.is(result.exitCode, ExitCode.held, result.stderr + result.stdout);
  const injected = (journalOf(result.stdout).faults[0]?.actions ?? [])
    .map((action) => action.injectedAt ?? Number.NaN)
    .sort((a, b) => a - b);
  t.is(injected.length, replicas);
  const span = (injected.at(-1) ?? 0) - (injected[0] ?? 0);
  t.log(
    `5 deletions at 4/s: the first and the last answered ${Math.round(span)} ms apart (1 000 ms by the rate)`,
  );
  // Slots 0, 250, 500, 750, 1000 ms: a first request slowed by up to 250 ms still leaves 750 ms.
  t.true(span >= 750, `deletions ${injected.map((at) => Math.round(at - (injected[0] ?? 0))).join(', ')} ms`);
  await waitUntil('the paced pods replaced', async () => (await readyCount()) === replicas || undefined, {
    timeoutMs: 60_000,
  });
});
