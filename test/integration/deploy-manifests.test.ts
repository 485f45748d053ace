// deploy/: the in-cluster manifests, against the sandbox's real API server (RBAC on).
// Needs: the Kubernetes API server, with the `shop` namespace and its checkout Deployment.
// Each test works in a namespace of its own instead of `faultline` (and suffixes the names of
// cluster-wide objects), so that nothing here touches a real install, and deletes it all after.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { configMapFile, renderConfigMap } from '../../deploy/render-configmap.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import {
  type KubeObject,
  manifests,
  rbacKinds,
  relocate,
  writeManifest,
} from '../helpers/deploy-manifests.ts';
import { runFaultline } from '../helpers/faultline-process.ts';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-deploy-'));
const kubectl = (...args: string[]) =>
  runProcess('kubectl', args, { env: { ...process.env, ...sandbox }, timeoutMs: 60_000 });

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
    rules: { resourceNames?: string[] }[];
  };
  t.is(
    leaseRole.metadata.namespace,
    schedule.spec.lease.namespace,
    'the Lease Role is where the schedule puts its Lease',
  );
  t.deepEqual(leaseRole.rules[0]?.resourceNames, [schedule.spec.lease.name]);
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
});

test.serial('the ServiceAccount can do what the shipped experiments need, and no more', async (t) => {
  const namespace = `faultline-rbac-${process.pid}`;
  t.is((await kubectl('create', 'namespace', namespace)).exitCode, 0);
  const objects = relocate(manifests(), namespace, `-rbac-${process.pid}`).filter(
    (object) => object.kind === 'ServiceAccount' || rbacKinds.has(object.kind),
  );
  const file = writeManifest(join(dir, 'rbac.yaml'), objects);
  t.teardown(async () => {
    await kubectl('delete', '-f', file, '--ignore-not-found', '--wait=false');
    await kubectl('delete', 'namespace', namespace, '--wait=false');
  });
  const applied = await kubectl('apply', '-f', file);
  t.is(applied.exitCode, 0, applied.stderr);
  const serviceAccount = `system:serviceaccount:${namespace}:faultline`;
  const can = async (...args: string[]) => {
    const answer = await kubectl('auth', 'can-i', `--as=${serviceAccount}`, ...args);
    return answer.stdout.trim();
  };
  const allowed: string[][] = [
    ['list', 'pods', '--all-namespaces'],
    ['get', 'pods', '-n', 'shop'],
    ['delete', 'pods', '-n', 'shop'],
    ['create', 'pods', '--subresource=eviction', '-n', 'shop'],
    ['create', 'pods', '--subresource=eviction', '-n', 'default'],
    ['get', 'nodes'],
    ['list', 'nodes'],
    ['patch', 'nodes'],
    ['get', 'deployments.apps', '-n', 'shop'],
    ['list', 'deployments.apps', '--all-namespaces'],
    ['get', 'replicasets.apps', '-n', 'shop'],
    ['get', 'poddisruptionbudgets.policy', '-n', 'shop'],
    ['list', 'poddisruptionbudgets.policy', '-n', 'shop'],
    ['get', 'leases.coordination.k8s.io/faultline-gameday', '-n', namespace],
    ['update', 'leases.coordination.k8s.io/faultline-gameday', '-n', namespace],
    ['create', 'leases.coordination.k8s.io', '-n', namespace],
  ];
  const denied: string[][] = [
    ['delete', 'deployments.apps', '-n', 'shop'],
    ['patch', 'deployments.apps', '-n', 'shop'],
    ['update', 'deployments.apps', '-n', 'shop'],
    ['create', 'deployments.apps', '-n', namespace],
    ['get', 'secrets', '-n', 'shop'],
    ['get', 'secrets', '-n', namespace],
    ['list', 'secrets', '--all-namespaces'],
    ['get', 'configmaps', '-n', 'shop'],
    ['delete', 'pods', '-n', 'kube-system'],
    ['delete', 'pods', '-n', 'default'],
    ['create', 'pods', '-n', 'shop'],
    ['delete', 'nodes'],
    ['update', 'leases.coordination.k8s.io/someone-else', '-n', namespace],
    ['update', 'leases.coordination.k8s.io/faultline-gameday', '-n', 'kube-system'],
    ['create', 'clusterrolebindings.rbac.authorization.k8s.io'],
    ['impersonate', 'serviceaccounts'],
  ];
  for (const check of allowed) t.is(await can(...check), 'yes', `can ${check.join(' ')}`);
  for (const check of denied) t.is(await can(...check), 'no', `cannot ${check.join(' ')}`);

  // And for real, as that ServiceAccount: `faultline plan` resolves the targets and sends the
  // server-side dry-run delete, eviction and node patch of the shipped experiments.
  const kubeconfigAs = async (user: string) => {
    const config = JSON.parse(
      (await kubectl('config', 'view', '--raw', '--flatten', '-o', 'json')).stdout,
    ) as {
      users: { user: Record<string, unknown> }[];
    };
    for (const entry of config.users) entry.user.as = user;
    const kubeconfig = join(dir, `as-${user.replace(/\W+/g, '-')}.kubeconfig`);
    writeFileSync(kubeconfig, JSON.stringify(config));
    return kubeconfig;
  };
  const plan = (experiment: string, kubeconfig: string) =>
    runFaultline(['plan', join(projectRoot, `experiments/${experiment}.yaml`), '--kubeconfig', kubeconfig], {
      ...process.env,
      ...sandbox,
    });
  const asFaultline = await kubeconfigAs(serviceAccount);
  for (const experiment of ['checkout-pod-kill', 'storefront-survives-slow-catalog']) {
    const planned = await plan(experiment, asFaultline);
    t.is(planned.exitCode, ExitCode.held, `${experiment}:\n${planned.stdout}\n${planned.stderr}`);
    t.notRegex(planned.stdout + planned.stderr, /forbidden/i, experiment);
  }
  // The control: the namespace's default ServiceAccount, without these roles, is refused.
  const refused = await plan(
    'checkout-pod-kill',
    await kubeconfigAs(`system:serviceaccount:${namespace}:default`),
  );
  t.not(refused.exitCode, ExitCode.held);
  t.regex(refused.stdout + refused.stderr, /forbidden/i);
});
