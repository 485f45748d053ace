// deploy/: what the faultline ServiceAccount can really do to nodes and workloads, authenticated
// with its own token, under the manifests' RBAC and admission policies (service-account-fixture.ts
// says what it creates and deletes). Needs: kube-apiserver, kube-controller-manager, kwok.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { kubectl } from '../helpers/deploy-manifests.ts';
import { json, nodeLabel, serviceAccountFixture } from '../helpers/service-account-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-sa-'));
const nodeRefusal =
  'Faultline may change only spec.unschedulable and the annotation faultline.dev/cordoned-by of a node, not';
const workloadRefusal =
  'Faultline may change only the replicas, the pod template annotation kubectl.kubernetes.io/restartedAt and its own marks (the label faultline.dev/scaled-by, the annotation faultline.dev/original-replicas) of a workload, not';

const fixture = serviceAccountFixture(dir, 'sa');

test.before(() => fixture.setUp());
test.after.always(() => fixture.remove());

test.serial(
  'a node: cordoned and uncordoned with the mark; labels, taints, other annotations and fields refused by the policy, naming them',
  async (t) => {
    const { node, asFaultline, readNode, nodePolicy } = fixture;
    const before = await readNode();
    const refused: [string[], string][] = [
      [['label', 'node', node, 'pool=db'], 'metadata.labels'],
      [['label', 'node', node, `${nodeLabel}-`], 'metadata.labels'],
      [['taint', 'node', node, 'faultline-test=1:NoSchedule'], 'spec.taints'],
      [['annotate', 'node', node, 'example.com/owner=someone'], 'the annotation example.com/owner'],
      [['annotate', 'node', node, 'kwok.x-k8s.io/node-'], 'the annotation kwok.x-k8s.io/node'],
      [['patch', 'node', node, '--type=merge', '-p', '{"spec":{"podCIDR":"10.99.0.0/24"}}'], 'spec.podCIDR'],
      [
        ['patch', 'node', node, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/x"]}}'],
        'metadata.finalizers',
      ],
      // the allowed fields carry nothing else with them
      [
        [
          'patch',
          'node',
          node,
          '--type=merge',
          '-p',
          '{"spec":{"unschedulable":true},"metadata":{"labels":{"pool":"db"}}}',
        ],
        'metadata.labels',
      ],
    ];
    for (const [args, field] of refused) {
      const result = await asFaultline(...args);
      t.is(result.exitCode, 1, `${args.join(' ')} was not refused: ${result.stdout}`);
      t.regex(result.stderr, /Error from server \(Forbidden\)|is forbidden/, args.join(' '));
      t.true(
        result.stderr.includes(`ValidatingAdmissionPolicy '${nodePolicy}'`) &&
          result.stderr.includes(`${nodeRefusal} ${field}`),
        `${args.join(' ')}: ${result.stderr}`,
      );
    }
    // Status: not granted at all (and through the node itself the API server keeps the old one).
    const status = await asFaultline(
      'patch',
      'node',
      node,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"capacity":{"cpu":"1"}}}',
    );
    t.regex(status.stderr, /cannot (get|patch) resource "nodes\/status"/);
    const throughNode = await asFaultline(
      'patch',
      'node',
      node,
      '--type=merge',
      '-p',
      '{"status":{"capacity":{"cpu":"1"}}}',
    );
    t.regex(throughNode.stdout, /patched \(no change\)/, throughNode.stderr);
    t.deepEqual(await readNode(), before, 'nothing of the node changed');
    // The control: the same label change by the sandbox's admin is not the policy's business.
    t.is((await kubectl('label', 'node', node, 'pool=db', '--dry-run=server')).exitCode, 0);

    // A cordon, as Faultline sends it: spec.unschedulable and the run's mark in one patch; then back.
    const cordon =
      '{"spec":{"unschedulable":true},"metadata":{"annotations":{"faultline.dev/cordoned-by":"run-1"}}}';
    const cordoned = await asFaultline('patch', 'node', node, '--type=merge', '-p', cordon);
    t.is(cordoned.exitCode, 0, cordoned.stderr);
    const during = await readNode();
    t.is(during.spec.unschedulable, true);
    t.is(during.annotations['faultline.dev/cordoned-by'], 'run-1');
    const uncordon =
      '{"spec":{"unschedulable":null},"metadata":{"annotations":{"faultline.dev/cordoned-by":null}}}';
    const uncordoned = await asFaultline('patch', 'node', node, '--type=merge', '-p', uncordon);
    t.is(uncordoned.exitCode, 0, uncordoned.stderr);
    t.is((await asFaultline('cordon', node)).exitCode, 0, 'kubectl cordon too');
    t.is((await asFaultline('uncordon', node)).exitCode, 0, 'kubectl uncordon too');
    t.deepEqual(await readNode(), before, 'the node is as it was');
  },
);

test.serial(
  'a workload: scaled and restarted with the marks; its pod spec, labels, annotations and strategy refused by the policy, naming them',
  async (t) => {
    const { target, other, asFaultline, workloadPolicy } = fixture;
    type DeploymentView = {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: Record<string, unknown> & { replicas: number };
    };
    const read = async () => {
      const { metadata, spec } = await json<DeploymentView>('get', 'deployment', 'web', '-n', target);
      return { labels: metadata.labels, annotations: metadata.annotations, spec };
    };
    const before = await read();
    const on = ['deployment/web', '-n', target];
    const refused: [string[], string][] = [
      [['set', 'image', ...on, 'app=registry.example/other:2'], 'spec.template.spec'],
      [['set', 'env', ...on, 'DEBUG=1'], 'spec.template.spec'],
      [['label', ...on, 'team=other'], 'the label team'],
      [['annotate', ...on, 'example.com/owner=someone'], 'the annotation example.com/owner'],
      [['patch', ...on, '--type=merge', '-p', '{"spec":{"paused":true}}'], 'spec.paused'],
      [
        ['patch', ...on, '--type=merge', '-p', '{"spec":{"template":{"metadata":{"labels":{"extra":"1"}}}}}'],
        'spec.template.metadata.labels',
      ],
      [
        [
          'patch',
          ...on,
          '--type=merge',
          '-p',
          '{"spec":{"replicas":2,"template":{"metadata":{"annotations":{"example.com/x":"1"}}}}}',
        ],
        'the pod template annotation example.com/x',
      ],
    ];
    for (const [args, field] of refused) {
      const result = await asFaultline(...args);
      t.not(result.exitCode, 0, `${args.join(' ')} was not refused: ${result.stdout}`);
      t.true(
        result.stderr.includes(`ValidatingAdmissionPolicy '${workloadPolicy}'`) &&
          result.stderr.includes(`${workloadRefusal} ${field}`),
        `${args.join(' ')}: ${result.stderr}`,
      );
    }
    t.deepEqual(await read(), before, 'nothing of the Deployment changed');
    // RBAC: the same patch outside the target namespaces is refused before any policy.
    const elsewhere = await asFaultline(
      'patch',
      'deployment/outsider',
      '-n',
      other,
      '--type=merge',
      '-p',
      '{"spec":{"replicas":2}}',
    );
    t.regex(
      elsewhere.stderr,
      new RegExp(`cannot patch resource "deployments" in API group "apps" in the namespace "${other}"`),
    );

    // A scale and its revert as Faultline sends them (replicas, the run's label and the replicas to
    // restore), and a rollout restart (kubectl's, which Faultline's is).
    const scale =
      '{"spec":{"replicas":2},"metadata":{"labels":{"faultline.dev/scaled-by":"run-1"},"annotations":{"faultline.dev/original-replicas":"1"}}}';
    const scaled = await asFaultline('patch', ...on, '--type=merge', '-p', scale);
    t.is(scaled.exitCode, 0, scaled.stderr);
    t.is((await read()).spec.replicas, 2);
    const revert =
      '{"spec":{"replicas":1},"metadata":{"labels":{"faultline.dev/scaled-by":null},"annotations":{"faultline.dev/original-replicas":null}}}';
    const reverted = await asFaultline('patch', ...on, '--type=merge', '-p', revert);
    t.is(reverted.exitCode, 0, reverted.stderr);
    const restarted = await asFaultline('rollout', 'restart', ...on);
    t.is(restarted.exitCode, 0, restarted.stderr);
    const after = await read();
    const restartedAt = (after.spec.template as { metadata: { annotations?: Record<string, string> } })
      .metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    t.truthy(restartedAt, 'restarted');
    // Left changed: the restartedAt and the revision the Deployment controller counted up for it.
    const unchanged = ({ spec, annotations, labels }: Awaited<ReturnType<typeof read>>) => {
      const template = spec.template as { metadata: { annotations?: Record<string, string> } };
      const restart = { ...template.metadata.annotations, 'kubectl.kubernetes.io/restartedAt': undefined };
      return {
        labels,
        annotations: { ...annotations, 'deployment.kubernetes.io/revision': undefined },
        spec: {
          ...spec,
          template: { ...template, metadata: { ...template.metadata, annotations: restart } },
        },
      };
    };
    t.deepEqual(unchanged(after), unchanged(before), 'the scale was reverted, and nothing else changed');
    await kubectl('rollout', 'status', ...on, '--timeout=60s');
  },
);
