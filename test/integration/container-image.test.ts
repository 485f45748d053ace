// The Containerfile, built with Debian's buildah (vfs storage, chroot isolation, as root) on a local
// Node base (scripts/testenv/node-base-image.sh: no image registry is reachable here), tagged as
// deploy/30-deployment.yaml names it; then its game-day daemon run the way a kubelet runs that
// Deployment (test/helpers/container-image.ts: read-only root, user 10001, volumes, in-cluster
// credentials as files) with the RBAC of deploy/ applied to the sandbox.
// Needs: the Kubernetes API server (a namespace made here, the shop's checkout Deployment),
// Toxiproxy (the proxy `catalog`) and the resilient storefront; buildah, unshare, setpriv; root.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import {
  buildah,
  imageConfig,
  type OpenedImage,
  openImage,
  startContainer,
} from '../helpers/container-image.ts';
import { accessKinds, manifests, relocate, writeManifest } from '../helpers/deploy-manifests.ts';
import { freePort } from '../helpers/free-port.ts';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-image-'));
const namespace = `faultline-image-${process.pid}`;
const suffix = `-image-${process.pid}`;
const kubectl = (...args: string[]) =>
  runProcess('kubectl', args, { env: { ...process.env, ...sandbox }, timeoutMs: 60_000 });

type Container = { image: string; args: string[]; env: { name: string; value?: string }[] };
const deployment = manifests().find((object) => object.kind === 'Deployment') as unknown as {
  spec: { template: { spec: { containers: Container[] } } };
};
const container = deployment.spec.template.spec.containers[0] as Container;
const tag = container.image;
let rbacFile = '';

let base = '';

test.before(async () => {
  base = execFileSync('bash', [join(projectRoot, 'scripts/testenv/node-base-image.sh')], {
    encoding: 'utf8',
  }).trim();
  if ((await kubectl('create', 'namespace', namespace)).exitCode !== 0) throw new Error('namespace');
  const rbac = relocate(manifests(), namespace, suffix).filter(
    (object) => object.kind === 'ServiceAccount' || accessKinds.has(object.kind),
  );
  rbacFile = writeManifest(join(dir, 'rbac.yaml'), rbac);
  const applied = await kubectl('apply', '-f', rbacFile);
  if (applied.exitCode !== 0) throw new Error(applied.stderr);
});

test.after.always(async () => {
  if (rbacFile) await kubectl('delete', '-f', rbacFile, '--ignore-not-found', '--wait=false');
  await kubectl('delete', 'namespace', namespace, '--wait=false');
  await buildah(['rmi', tag]);
  await buildah(['rmi', '--prune']); // the build stage's image
});

test.serial(
  'buildah bud builds the Containerfile on the base given as NODE_IMAGE, tagged as deploy/ names it',
  async (t) => {
    const started = performance.now();
    const built = await buildah([
      'bud',
      '--isolation',
      'chroot',
      '--layers=false',
      '--build-arg',
      `NODE_IMAGE=${base}`,
      '-f',
      join(projectRoot, 'Containerfile'),
      '-t',
      tag,
      projectRoot,
    ]);
    t.is(built.exitCode, 0, `${built.stderr}\n${built.stdout.slice(-3000)}`);
    t.log(`buildah bud of ${tag} on ${base}: ${Math.round(performance.now() - started)} ms`);
    t.regex(built.stdout, /^\[1\/2\] STEP 1\/\d+: FROM localhost\/faultline-node-base:\S+ AS build$/m);
  },
);

test.serial(
  'the image: user 10001, the bundled CLI as entrypoint, no node_modules, the tag deploy/ names',
  async (t) => {
    const config = await imageConfig(tag);
    t.log(`image ${tag}: ${config.size}`);
    t.is(config.User, '10001:10001');
    t.deepEqual(config.Entrypoint, ['node', '/opt/faultline/dist/faultline.js']);
    t.is(config.WorkingDir, '/var/lib/faultline');
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    t.is(tag, `faultline:${pkg.version}`, 'deploy/ runs the image of this version');
    const image = await openImage(tag);
    t.teardown(() => image.close());
    t.deepEqual(readdirSync(join(image.rootfs, 'opt/faultline')).sort(), [
      'LICENSE',
      'README.md',
      'dist',
      'package.json',
      'schema',
    ]);
    t.false(existsSync(join(image.rootfs, 'src')), 'no build stage left behind');
  },
);

// The pod of deploy/30-deployment.yaml: its volumes as directories here, a kubelet's modes.
function podVolumes() {
  const volumes = { state: join(dir, 'state'), tmp: join(dir, 'tmp'), experiments: join(dir, 'experiments') };
  const serviceAccount = join(dir, 'serviceaccount');
  for (const path of [...Object.values(volumes), serviceAccount]) mkdirSync(path, { recursive: true });
  chmodSync(volumes.state, 0o777); // an emptyDir is world-writable
  chmodSync(volumes.tmp, 0o1777);
  return { ...volumes, serviceAccount };
}

// The ConfigMap: a schedule firing every 10 s with the Lease the Role allows, and a short
// latency experiment that also reads the checkout Deployment (in-cluster credentials, RBAC).
function writeSchedule(experiments: string) {
  writeFileSync(
    join(experiments, 'gameday.yaml'),
    `apiVersion: faultline.dev/v1alpha1
kind: Schedule
metadata: { name: image-gameday }
spec:
  timezone: UTC
  entries:
    - { name: slow-catalog, experiment: slow-catalog.yaml, cron: "*/10 * * * * *" }
  concurrency: skip
  lease: { name: faultline-gameday, namespace: ${namespace}, duration: 15s }
`,
  );
  writeFileSync(
    join(experiments, 'slow-catalog.yaml'),
    `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: slow-catalog }
spec:
  duration: 3s
  hypothesis:
    probes:
      - name: page-answers
        http: { url: "\${STOREFRONT_URL}/", timeout: 2s }
        expect: { status: 200, latencyMs: { below: 500 } }
      - name: checkout-replicas
        kubernetes: { kind: Deployment, namespace: shop, name: checkout, field: spec.replicas }
        expect: { atLeast: 1 }
    during: { every: 1s, failAfter: 2 }
  faults:
    - name: slow-catalog
      toxiproxy: { url: "\${TOXIPROXY_URL}", proxy: catalog, toxic: latency, attributes: { latency: 800 }, stream: downstream }
      start: 1s
  safety: { namespaces: [shop] }
`,
  );
}

async function startDaemon(image: OpenedImage) {
  const volumes = podVolumes();
  writeSchedule(volumes.experiments);
  const kubeconfig = parse(readFileSync(sandbox.KUBECONFIG, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority': string } }[];
  };
  const cluster = kubeconfig.clusters[0]?.cluster;
  const server = new URL(cluster?.server ?? '');
  const token = await kubectl('create', 'token', 'faultline', '-n', namespace, '--duration', '30m');
  writeFileSync(join(volumes.serviceAccount, 'token'), token.stdout.trim(), { mode: 0o644 });
  writeFileSync(
    join(volumes.serviceAccount, 'ca.crt'),
    readFileSync(cluster?.['certificate-authority'] ?? ''),
  );
  writeFileSync(join(volumes.serviceAccount, 'namespace'), namespace);

  const port = await freePort();
  // The Deployment's args; its 0.0.0.0:9464 is the pod's own network, here the host's loopback.
  const args = container.args.map((arg) =>
    arg.startsWith('--listen=') ? `--listen=127.0.0.1:${port}` : arg,
  );
  const podEnv = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? '']));
  const child = startContainer(image, {
    args,
    env: {
      ...podEnv,
      POD_NAME: 'faultline-7d9f-abcde',
      FAULTLINE_WEBHOOK_URL: 'http://127.0.0.1:9/unused',
      STOREFRONT_URL: sandbox.STOREFRONT_URL,
      TOXIPROXY_URL: sandbox.TOXIPROXY_URL,
      PROMETHEUS_URL: sandbox.PROMETHEUS_URL,
      KUBERNETES_SERVICE_HOST: server.hostname,
      KUBERNETES_SERVICE_PORT: server.port,
      HOSTNAME: 'faultline-7d9f-abcde',
    },
    mounts: [
      { source: volumes.experiments, target: '/etc/faultline/experiments', readOnly: true },
      { source: volumes.state, target: '/var/lib/faultline' },
      { source: volumes.tmp, target: '/tmp' },
      {
        source: volumes.serviceAccount,
        target: '/var/run/secrets/kubernetes.io/serviceaccount',
        readOnly: true,
      },
    ],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, port, volumes, exited, output: () => output };
}

test.serial(
  'the daemon as the Deployment runs it: leader by the Lease, fires an entry, writes the report to its volume',
  async (t) => {
    const image = await openImage(tag);
    t.teardown(() => image.close());
    const daemon = await startDaemon(image);
    t.teardown(() => daemon.child.kill('SIGKILL'));

    const holder = await waitUntil(
      'the Lease',
      async () => {
        const lease = await kubectl('get', 'lease', 'faultline-gameday', '-n', namespace, '-o', 'json');
        return lease.exitCode === 0
          ? ((JSON.parse(lease.stdout) as { spec: { holderIdentity?: string } }).spec.holderIdentity ??
              undefined)
          : undefined;
      },
      { timeoutMs: 60_000 },
    ).catch((error: Error) => t.fail(`${error.message}\n${daemon.output()}`));
    t.regex(String(holder), /^faultline-7d9f-abcde-/, 'the Lease names this pod');

    // By now unshare, env, setpriv, chroot and sh have exec'd into node: the same pid.
    const status = readFileSync(`/proc/${daemon.child.pid}/status`, 'utf8');
    t.regex(
      readFileSync(`/proc/${daemon.child.pid}/cmdline`, 'utf8'),
      /^node\0\/opt\/faultline\/dist\/faultline\.js\0schedule\0/,
    );
    t.regex(status, /^Uid:\s+10001\s/m, 'runs as the image user');
    t.regex(status, /^CapEff:\s+0+$/m, 'no capabilities');
    t.regex(status, /^NoNewPrivs:\s+1$/m, 'allowPrivilegeEscalation: false');

    const ready = await fetch(`http://127.0.0.1:${daemon.port}/readyz`);
    t.is(ready.status, 200);

    const reports = join(daemon.volumes.state, 'reports');
    const runId = await waitUntil(
      'a report in the state volume',
      async () =>
        existsSync(reports)
          ? readdirSync(reports).find((id) => existsSync(join(reports, id, 'report.html')))
          : undefined,
      { timeoutMs: 90_000 },
    ).catch((error: Error) => t.fail(`${error.message}\n${daemon.output()}`));
    const journal = JSON.parse(readFileSync(join(reports, String(runId), 'journal.json'), 'utf8')) as {
      verdict: string;
      samples: { probe: string; outcome: string }[];
      faults: { actions: { revert?: string }[] }[];
    };
    t.is(journal.verdict, 'held', daemon.output());
    t.true(
      journal.samples.some((s) => s.probe === 'checkout-replicas' && s.outcome === 'ok'),
      'the kubernetes probe read the Deployment with the ServiceAccount token',
    );
    t.true(journal.faults.every((f) => f.actions.every((a) => a.revert === 'reverted')));
    t.true(existsSync(join(daemon.volumes.state, 'ledger.jsonl')), 'the ledger is in the state volume');

    daemon.child.kill('SIGTERM');
    t.is(await daemon.exited, 0, daemon.output());
    const proxies = (await (await fetch(`${sandbox.TOXIPROXY_URL}/proxies`)).json()) as Record<
      string,
      { toxics: unknown[] }
    >;
    t.deepEqual(proxies.catalog?.toxics, [], 'no toxic left on catalog');
  },
);
