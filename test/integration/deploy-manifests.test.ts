// deploy/: the in-cluster manifests, against the sandbox's real API server (RBAC on).
// Needs: the Kubernetes API server, with the `shop` namespace and its checkout Deployment.
// Each test works in a namespace of its own instead of `faultline` (and suffixes the names of
// cluster-wide objects), so that nothing here touches a real install, and deletes it all after.
// What the ServiceAccount does for real, with its own token, is in deploy-service-account.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { configMapFile, renderConfigMap } from '../../deploy/render-configmap.ts';
import { mapWithLimit } from '../../src/concurrency/map-with-limit.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import {
  accessKinds,
  type KubeObject,
  kubeconfigAs,
  kubectl,
  manifests,
  relocate,
  serviceAccountOf,
  writeManifest,
} from '../helpers/deploy-manifests.ts';
import { runFaultline } from '../helpers/faultline-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-deploy-'));

test('deploy/20-configmap.yaml is what deploy/render-configmap.ts writes (run it after changing experiments/)', (t) => {
  t.is(readFileSync(configMapFile, 'utf8'), renderConfigMap());
});

test('the Deployment: 2 replicas, the faultline ServiceAccount, experiments from the ConfigMap, /healthz and /readyz probes', (t) => {
  const deployment = manifests().find((object) => object.kind === 'Deployment') as KubeObject & {
    spec: { replicas: number; template: { spec: Record<string, unknown> } };
  };
  const pod = deployment.spec.template.spec as {
    serviceAccountName: string;
    containers: { args: string[]; livenessProbe: unknown; readinessProbe: unknown }[];
    volumes: { name: string; configMap?: { name: string } }[];
  };
  t.is(deployment.spec.replicas, 2);
  t.is(pod.serviceAccountName, 'faultline');
  t.deepEqual(pod.containers[0]?.livenessProbe, {
    httpGet: { path: '/healthz', port: 'metrics' },
    periodSeconds: 10,
    failureThreshold: 3,
  });
  t.deepEqual(pod.containers[0]?.readinessProbe, {
    httpGet: { path: '/readyz', port: 'metrics' },
    periodSeconds: 5,
  });
  t.true(pod.volumes.some((volume) => volume.configMap?.name === 'faultline-experiments'));
  t.deepEqual(pod.containers[0]?.args.slice(0, 3), [
    'schedule',
    '/etc/faultline/experiments/gameday.yaml',
    '--listen=0.0.0.0:9464',
  ]);
  const schedule = parse(readFileSync(join(projectRoot, 'experiments/gameday.yaml'), 'utf8')) as {
    spec: { lease: { name: string; namespace: string } };
  };
  const leaseRole = manifests().find(
    (o) => o.kind === 'Role' && o.metadata.name === 'faultline-lease',
  ) as unknown as {
    metadata: { namespace: string };
    rules: { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[];
  };
  t.is(
    leaseRole.metadata.namespace,
    schedule.spec.lease.namespace,
    'the Lease Role is where the schedule puts its Lease (and the runs theirs)',
  );
  t.deepEqual(leaseRole.rules, [
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    },
  ]);
});

test.serial('kubectl apply --dry-run=server accepts every manifest and creates nothing', async (t) => {
  const namespace = `faultline-dry-${process.pid}`;
  t.is((await kubectl('create', 'namespace', namespace)).exitCode, 0);
  t.teardown(() => kubectl('delete', 'namespace', namespace, '--wait=false'));
  const objects = relocate(manifests(), namespace, `-dry-${process.pid}`);
  const file = writeManifest(join(dir, 'dry-run.yaml'), objects);
  const applied = await kubectl('apply', '--dry-run=server', '-f', file);
  t.is(applied.exitCode, 0, applied.stderr);
  const lines = applied.stdout.trim().split('\n');
  t.is(lines.length, objects.length, applied.stdout);
  t.true(
    lines.every((line) => / \(server dry run\)$/.test(line)),
    applied.stdout,
  );
  for (const kind of [
    'deployment',
    'poddisruptionbudget',
    'configmap',
    'serviceaccount',
    'role',
    'rolebinding',
    'clusterrole',
    'validatingadmissionpolicy',
    'validatingadmissionpolicybinding',
  ]) {
    t.true(
      lines.some((line) => line.startsWith(`${kind}.`) || line.startsWith(`${kind}/`)),
      `${kind} in ${applied.stdout}`,
    );
  }
  const created = await kubectl(
    'get',
    'deployments,configmaps,serviceaccounts,roles',
    '-n',
    namespace,
    '-o',
    'name',
  );
  t.deepEqual(created.stdout.trim().split('\n').sort(), [
    'configmap/kube-root-ca.crt',
    'serviceaccount/default',
  ]);
  t.is(
    (await kubectl('get', 'clusterrole', `faultline-chaos-dry-${process.pid}`)).exitCode,
    1,
    'no ClusterRole either',
  );
  const policies = await kubectl('get', 'validatingadmissionpolicies', '-o', 'name');
  t.notRegex(policies.stdout, new RegExp(`-dry-${process.pid}$`, 'm'), 'no admission policy either');
});

// The runs' Leases are named at run time; these stand for any of them.
const runLease = 'leases.coordination.k8s.io/faultline-run-20261130t101500-a1b2';
const haltLease = 'leases.coordination.k8s.io/faultline-halt';

// What the ServiceAccount of `namespace` (standing for faultline) may do; `shop` is the target.
const allowedChecks = (namespace: string): string[][] => [
  // everywhere: read; patch nodes (only to cordon: the admission policy, see the other test file)
  ['list', 'pods', '--all-namespaces'],
  ['get', 'pods', '-n', 'kube-system'],
  ['get', 'nodes'],
  ['list', 'nodes'],
  ['patch', 'nodes'],
  ['list', 'deployments.apps', '--all-namespaces'],
  ['get', 'replicasets.apps', '-n', 'shop'],
  ['get', 'statefulsets.apps', '-n', 'shop'],
  ['get', 'daemonsets.apps', '-n', 'shop'],
  ['get', 'poddisruptionbudgets.policy', '-n', 'shop'],
  ['list', 'poddisruptionbudgets.policy', '-n', 'kube-system'],
  // the target namespace: pod kill, drain, rolloutRestart, scale
  ['delete', 'pods', '-n', 'shop'],
  ['create', 'pods', '--subresource=eviction', '-n', 'shop'],
  ['patch', 'deployments.apps', '-n', 'shop'],
  ['patch', 'statefulsets.apps', '-n', 'shop'],
  ['patch', 'daemonsets.apps', '-n', 'shop'],
  ['list', 'horizontalpodautoscalers.autoscaling', '-n', 'shop'],
  // its own namespace: the daemon's Lease, each run's Lease, the halt marker
  ['get', 'leases.coordination.k8s.io/faultline-gameday', '-n', namespace],
  ['update', 'leases.coordination.k8s.io/faultline-gameday', '-n', namespace],
  ['create', 'leases.coordination.k8s.io', '-n', namespace],
  ['list', 'leases.coordination.k8s.io', '-n', namespace],
  ['watch', 'leases.coordination.k8s.io', '-n', namespace],
  ['get', runLease, '-n', namespace],
  ['update', runLease, '-n', namespace],
  ['patch', runLease, '-n', namespace],
  ['delete', runLease, '-n', namespace],
  ['get', haltLease, '-n', namespace],
  ['delete', haltLease, '-n', namespace],
];

const deniedChecks = (namespace: string): string[][] => [
  // evictions, pod deletes, workload patches and autoscalers only in the target namespaces
  ['create', 'pods', '--subresource=eviction', '-n', 'kube-system'],
  ['create', 'pods', '--subresource=eviction', '-n', 'default'],
  ['create', 'pods', '--subresource=eviction', '-n', namespace],
  ['delete', 'pods', '-n', 'kube-system'],
  ['delete', 'pods', '-n', 'default'],
  ['patch', 'deployments.apps', '-n', 'kube-system'],
  ['patch', 'deployments.apps', '-n', 'default'],
  ['patch', 'daemonsets.apps', '-n', 'kube-system'],
  ['list', 'horizontalpodautoscalers.autoscaling', '-n', 'default'],
  // no other verb on workloads or pods, not even in the target namespace
  ['delete', 'deployments.apps', '-n', 'shop'],
  ['update', 'deployments.apps', '-n', 'shop'],
  ['patch', 'deployments.apps', '--subresource=scale', '-n', 'shop'],
  ['create', 'deployments.apps', '-n', namespace],
  ['create', 'pods', '-n', 'shop'],
  ['create', 'pods', '--subresource=exec', '-n', 'shop'],
  ['patch', 'horizontalpodautoscalers.autoscaling', '-n', 'shop'],
  // nodes: the patch only
  ['delete', 'nodes'],
  ['update', 'nodes'],
  ['patch', 'nodes', '--subresource=status'],
  // Leases only in its own namespace, and never all at once
  ['create', 'leases.coordination.k8s.io', '-n', 'kube-system'],
  ['update', 'leases.coordination.k8s.io/faultline-gameday', '-n', 'kube-system'],
  ['get', 'leases.coordination.k8s.io', '-n', 'kube-node-lease'],
  ['deletecollection', 'leases.coordination.k8s.io', '-n', namespace],
  // no Secret, no ConfigMap, no token, no way to more rights
  ['get', 'secrets', '-n', 'shop'],
  ['get', 'secrets', '-n', namespace],
  ['list', 'secrets', '--all-namespaces'],
  ['get', 'configmaps', '-n', 'shop'],
  ['get', 'configmaps', '-n', namespace],
  ['create', 'serviceaccounts', '--subresource=token', '-n', namespace],
  ['create', 'clusterrolebindings.rbac.authorization.k8s.io'],
  ['update', 'validatingadmissionpolicybindings.admissionregistration.k8s.io'],
  ['impersonate', 'serviceaccounts'],
];

test.serial(
  'the ServiceAccount can do what the faults, the probes and the runs’ Leases need, and no more',
  async (t) => {
    const namespace = `faultline-rbac-${process.pid}`;
    t.is((await kubectl('create', 'namespace', namespace)).exitCode, 0);
    const objects = relocate(manifests(), namespace, `-rbac-${process.pid}`).filter(
      (object) => object.kind === 'ServiceAccount' || accessKinds.has(object.kind),
    );
    const file = writeManifest(join(dir, 'rbac.yaml'), objects);
    t.teardown(async () => {
      await kubectl('delete', '-f', file, '--ignore-not-found', '--wait=false');
      await kubectl('delete', 'namespace', namespace, '--wait=false');
    });
    const applied = await kubectl('apply', '-f', file);
    t.is(applied.exitCode, 0, applied.stderr);
    const serviceAccount = serviceAccountOf(namespace);
    const can = async (...args: string[]) => {
      const answer = await kubectl('auth', 'can-i', `--as=${serviceAccount}`, ...args);
      return answer.stdout.trim();
    };
    const allowed = allowedChecks(namespace);
    const denied = deniedChecks(namespace);
    const checks = [...allowed.map((c) => ({ c, want: 'yes' })), ...denied.map((c) => ({ c, want: 'no' }))];
    const answers = await mapWithLimit(checks, 4, ({ c }) => can(...c));
    for (const [i, { c, want }] of checks.entries())
      t.is(answers[i], want, `${want === 'yes' ? 'can' : 'cannot'} ${c.join(' ')}`);
    t.log(`${allowed.length} allowed, ${denied.length} denied`);

    // And for real, as that ServiceAccount: `faultline plan` resolves the targets and sends the
    // server-side dry-run delete, eviction, node patch and workload patches (through the admission
    // policies too) of the shipped experiments and of one with every Kubernetes fault.
    const plan = (file: string, kubeconfig: string) =>
      runFaultline(['plan', file, '--kubeconfig', kubeconfig], {
        ...process.env,
        ...sandbox,
        FAULTLINE_NAMESPACE: namespace,
      });
    const asFaultline = await kubeconfigAs(dir, serviceAccount);
    const experiments = ['checkout-pod-kill', 'storefront-survives-slow-catalog'].map((name) =>
      join(projectRoot, `experiments/${name}.yaml`),
    );
    for (const experiment of [...experiments, everyKubernetesFault()]) {
      const planned = await plan(experiment, asFaultline);
      t.is(planned.exitCode, ExitCode.held, `${experiment}:\n${planned.stdout}\n${planned.stderr}`);
      t.notRegex(planned.stdout + planned.stderr, /forbidden/i, experiment);
    }
    // The control: the namespace's default ServiceAccount, without these roles, is refused.
    const refused = await plan(
      experiments[0] as string,
      await kubeconfigAs(dir, `system:serviceaccount:${namespace}:default`),
    );
    t.not(refused.exitCode, ExitCode.held);
    t.regex(refused.stdout + refused.stderr, /forbidden/i);
  },
);

// pod kill, drain, cordon, rollout restart and scale in shop, each dry-run by `plan`.
function everyKubernetesFault(): string {
  const file = join(dir, 'every-kubernetes-fault.yaml');
  writeFileSync(
    file,
    `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: every-kubernetes-fault }
spec:
  duration: 30s
  hypothesis:
    probes:
      - name: checkout-replicas
        kubernetes: { kind: Deployment, namespace: shop, name: checkout, field: status.readyReplicas }
        expect: { atLeast: 1 }
  faults:
    - name: kill
      podKill: { namespace: shop, selector: app=checkout, count: 1 }
    - name: drain
      nodeDrain: { selector: pool=web, count: 1 }
      duration: 10s
    - name: cordon
      nodeCordon: { selector: pool=web, count: 1 }
      duration: 10s
    - name: restart
      rolloutRestart: { namespace: shop, kind: Deployment, name: checkout }
    - name: scale
      scale: { namespace: shop, kind: Deployment, name: checkout, delta: 1 }
      duration: 10s
  safety:
    namespaces: [shop]
`,
  );
  return file;
}
