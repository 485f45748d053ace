// deploy/: a drain of a node that holds a pod Faultline may not evict, run as the faultline
// ServiceAccount with its own token, under the manifests' RBAC and admission policies
// (service-account-fixture.ts says what it creates and deletes).
// Needs: kube-apiserver (its audit log shows the run's Lease requests), kube-controller-manager,
// kube-scheduler, kwok.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { serviceAccountOf } from '../helpers/deploy-manifests.ts';
import { runFaultline } from '../helpers/faultline-process.ts';
import { journalOf } from '../helpers/run-journal.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { nodeLabel, podsOf, serviceAccountFixture } from '../helpers/service-account-fixture.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-drain-sa-'));

const fixture = serviceAccountFixture(dir, 'drain');

test.before(() => fixture.setUp());
test.after.always(() => fixture.remove());

// A drain of the test node, which holds one pod in the target namespace and one in a namespace
// Faultline was given no Role in; `safety` is the experiment's safety block, if any.
function drainExperiment(name: string, safety: string): string {
  const { id, target } = fixture;
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: 6s
  hypothesis:
    probes:
      - name: web-wanted
        kubernetes: { kind: Deployment, namespace: ${target}, name: web, field: spec.replicas }
        expect: { atLeast: 1 }
  faults:
    - name: drain-test-node
      nodeDrain: { selector: ${nodeLabel}=${id}, count: 1, timeout: 5s }
      duration: 4s
${safety}`,
  );
  return file;
}

const runAsFaultline = (file: string, ledger: string) => {
  const { kubeconfig } = fixture;
  // Without TOXIPROXY_URL: the recovery every run starts with must not touch other tests' toxics.
  const { TOXIPROXY_URL: _, ...env } = { ...process.env, ...sandbox };
  const args = ['run', file, '--kubeconfig', kubeconfig, '--report-dir', join(dir, 'reports')];
  const where = { FAULTLINE_NAMESPACE: fixture.namespace, FAULTLINE_LEDGER: join(dir, ledger) };
  return runFaultline(args, { ...env, ...where, NO_COLOR: '1' });
};

test.serial(
  'a drain of a node holding a pod Faultline may not evict: refused by safety.namespaces before anything, else failed by the 403 and uncordoned; the run Lease made, renewed, deleted',
  async (t) => {
    const { target, other, kubeconfig, readNode } = fixture;
    const outsider = (await podsOf(other))[0];
    t.truthy(outsider, `a pod in ${other}`);
    const before = await readNode();

    // The experiment names its namespaces: the pod in another one ends the run before any change.
    const limited = await runAsFaultline(
      drainExperiment('drain-limited', `  safety: { namespaces: [${target}] }\n`),
      'limited.jsonl',
    );
    t.is(limited.exitCode, ExitCode.notStarted, limited.stdout + limited.stderr);
    t.regex(
      limited.stdout + limited.stderr,
      new RegExp(`evicts pods in namespace ${other}, which is not in safety.namespaces`),
    );
    t.deepEqual(await readNode(), before, 'never cordoned');

    // Without that, `plan` shows the refusal beforehand, in its dry-run of the eviction...
    const unlimitedFile = drainExperiment('drain-unlimited', '');
    const planned = await runFaultline(['plan', unlimitedFile, '--kubeconfig', kubeconfig], {
      ...process.env,
      ...sandbox,
      FAULTLINE_NAMESPACE: fixture.namespace,
      NO_COLOR: '1',
    });
    t.is(planned.exitCode, ExitCode.environmentError, planned.stdout + planned.stderr);
    t.regex(
      planned.stdout,
      new RegExp(`pod/outsider-\\S+ .* evict: RBAC: .*cannot create resource "pods/eviction" .* "${other}"`),
    );
    t.regex(planned.stdout, /pod\/web-\S+ .* evict: ok/);
    t.regex(planned.stderr, /1 dry-run request\(s\) permission denied; the run would fail/);

    // ...and the API server's 403 on the eviction is what stops the drain: the run ends in error
    // naming the pod and the refusal, the node is uncordoned, the pod is where it was.
    const auditFrom = statSync(sandbox.KUBE_AUDIT_LOG).size;
    const unlimited = await runAsFaultline(unlimitedFile, 'unlimited.jsonl');
    t.is(unlimited.exitCode, ExitCode.environmentError, unlimited.stdout + unlimited.stderr);
    const journal = journalOf(unlimited.stdout);
    t.is(journal.verdict, 'error');
    t.regex(
      journal.reason ?? '',
      new RegExp(`could not evict ${other}/${outsider?.metadata.name}: .*forbidden`, 'i'),
    );
    const [action] = journal.faults[0]?.actions ?? [];
    t.is(action?.effect?.outcome, 'failed', JSON.stringify(action?.effect));
    t.is(action?.revert, 'reverted');
    t.deepEqual(await readNode(), before, 'uncordoned, the mark removed');
    t.deepEqual(
      (await podsOf(other)).map((pod) => pod.metadata.uid),
      [outsider?.metadata.uid],
      'the pod Faultline may not evict is still there',
    );
    t.log(action?.effect?.detail);
    t.log(`evicted meanwhile: ${JSON.stringify(action?.effect?.evicted ?? [])}`);

    // The run's Lease, by the ServiceAccount in its own namespace: made, renewed, deleted.
    const leaseRequests = await waitUntil('the run Lease deleted, in the audit log', async () => {
      const requests = await leaseRequestsOfFaultline(auditFrom);
      return requests.some((request) => request.startsWith('delete ')) ? requests : undefined;
    });
    t.regex(leaseRequests[0] ?? '', /^create faultline-run-\S+ 201$/, leaseRequests.join('\n'));
    t.true(
      leaseRequests.some((request) => /^patch faultline-run-\S+ 200$/.test(request)),
      leaseRequests.join('\n'),
    );
    t.regex(leaseRequests.at(-1) ?? '', /^delete faultline-run-\S+ 200$/, leaseRequests.join('\n'));
  },
);

type AuditEvent = {
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
};

// "verb name code" of each Lease request the fixture's ServiceAccount made after `offset`.
async function leaseRequestsOfFaultline(offset: number): Promise<string[]> {
  const text = readFileSync(sandbox.KUBE_AUDIT_LOG).subarray(offset).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.includes('"leases"'))
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter(
      (event) =>
        event.user.username === serviceAccountOf(fixture.namespace) &&
        event.objectRef?.namespace === fixture.namespace,
    )
    .map((event) => `${event.verb} ${event.objectRef?.name} ${event.responseStatus?.code}`);
}
