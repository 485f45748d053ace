import test from 'ava';
import { AdapterError } from '../../../src/adapters/adapter-error.ts';
import {
  cordonAnnotation,
  type EvictionResult,
  type KubernetesAdapter,
} from '../../../src/adapters/kubernetes.ts';
import type { Fault } from '../../../src/experiment/experiment.ts';
import { sendDryRuns } from '../../../src/faults/dry-run.ts';
import { dryRunsOf, type FaultPlan } from '../../../src/faults/fault-drivers.ts';

const owner = { kind: 'Deployment', name: 'checkout' };
const plans: FaultPlan[] = [
  {
    fault: 'kill',
    kind: 'podKill',
    namespace: 'shop',
    selector: 'app=checkout',
    fieldSelector: undefined,
    amount: { count: 3 },
    gracePeriodSeconds: 10,
    running: 4,
    pods: [
      { namespace: 'shop', name: 'a', uid: 'uid-a', node: 'n1', owner },
      { namespace: 'shop', name: 'c', uid: 'uid-c', node: undefined, owner: undefined },
      { namespace: 'shop', name: 'b', uid: 'uid-b', node: 'n2', owner },
    ],
    excluded: [],
    notes: [],
  },
  {
    fault: 'drain',
    kind: 'nodeDrain',
    selector: 'pool=web',
    amount: { count: 1 },
    schedulable: 3,
    nodes: [
      {
        name: 'n1',
        evictions: [{ namespace: 'shop', name: 'a', uid: 'uid-a', node: 'n1', owner }],
        skipped: [],
      },
    ],
    excluded: [],
    notes: [],
  },
  {
    fault: 'slow',
    kind: 'toxiproxy',
    proxy: {
      url: 'http://t',
      proxy: 'p',
      exists: true,
      listen: 'a',
      upstream: 'b',
      enabled: true,
      toxics: [],
    },
    toxic: { type: 'latency', stream: 'downstream', toxicity: 1, attributes: {} },
    excluded: [],
    notes: [],
  },
];

const faults: Fault[] = [
  { name: 'kill', kind: 'podKill', spec: { namespace: 'shop', selector: 'app=checkout', count: 3 } },
  { name: 'drain', kind: 'nodeDrain', spec: { selector: 'pool=web' } },
  { name: 'slow', kind: 'toxiproxy', spec: { url: 'http://t', proxy: 'p', toxic: 'latency' } },
];

type Client = Pick<KubernetesAdapter, 'deletePod' | 'evictPod' | 'patchNode' | 'patchWorkload'>;

// Every request the drivers ask `plan` to send, for these plans, sent.
const dryRunPlans = (planList: FaultPlan[], client: Client) =>
  sendDryRuns(planList.flatMap((plan, index) => dryRunsOf(faults[index] as Fault, plan as never, client)));

function recordingClient(answers: { delete?: (name: string) => void; evict?: () => EvictionResult }) {
  const requests: string[] = [];
  const client: Client = {
    async deletePod(namespace, name, options) {
      requests.push(
        `delete ${namespace}/${name} dryRun=${options?.dryRun} grace=${options?.gracePeriodSeconds}`,
      );
      answers.delete?.(name);
    },
    async evictPod(namespace, name, options) {
      requests.push(`evict ${namespace}/${name} dryRun=${options?.dryRun}`);
      return answers.evict?.() ?? { outcome: 'evicted' };
    },
    async patchNode(name, patch, options) {
      requests.push(`patch ${name} ${JSON.stringify(patch)} dryRun=${options?.dryRun}`);
      return { name, labels: {}, annotations: {}, isUnschedulable: true, resourceVersion: '1' };
    },
    async patchWorkload() {
      throw new Error('no workload in these plans');
    },
  };
  return { client, requests };
}

test('one deletion per owner, every eviction and cordon, sent as dry runs, and nothing else', async (t) => {
  const { client, requests } = recordingClient({});
  const checks = await dryRunPlans(plans, client);
  t.deepEqual(requests.sort(), [
    'delete shop/a dryRun=true grace=10',
    'delete shop/c dryRun=true grace=10',
    'evict shop/a dryRun=true',
    `patch n1 {"unschedulable":true,"annotations":{"${cordonAnnotation}":"plan"}} dryRun=true`,
  ]);
  t.deepEqual(
    checks.map((check) => `${check.fault} ${check.action} ${check.name} ${check.outcome}`),
    ['kill delete a ok', 'kill delete c ok', 'drain cordon n1 ok', 'drain evict a ok'],
  );
  t.deepEqual(checks[0]?.standsFor, ['b'], 'the check of a speaks for b, of the same owner');
  t.is(checks[1]?.standsFor, undefined, 'a pod without an owner is checked on its own');
});

test('a 429 names the PodDisruptionBudget', async (t) => {
  const { client } = recordingClient({
    evict: () => ({ outcome: 'blocked', podDisruptionBudget: 'checkout-pdb', message: 'would violate' }),
  });
  const checks = await dryRunPlans(plans, client);
  const eviction = checks.find((check) => check.action === 'evict');
  t.like(eviction, { outcome: 'blocked', podDisruptionBudget: 'checkout-pdb' });
  t.regex(eviction?.message ?? '', /PodDisruptionBudget checkout-pdb/);
});

test('a 403 shows as an RBAC problem on that target only', async (t) => {
  const { client } = recordingClient({
    delete: (name) => {
      if (name === 'c')
        throw new AdapterError('kubernetes', 'forbidden', 'pods "c" is forbidden', { status: 403 });
    },
  });
  const checks = await dryRunPlans(plans, client);
  t.deepEqual(
    checks.map((check) => check.outcome),
    ['ok', 'forbidden', 'ok', 'ok'],
  );
  t.regex(checks[1]?.message ?? '', /^RBAC: .*forbidden/);
});

test('an unreachable API server ends the dry run', async (t) => {
  const { client } = recordingClient({
    delete: () => {
      throw new AdapterError('kubernetes', 'unreachable', 'cannot reach the API server');
    },
  });
  const error = await t.throwsAsync(dryRunPlans(plans, client), { instanceOf: AdapterError });
  t.is((error as AdapterError).failure, 'unreachable');
});

test('a pod replaced between the listing and the check is "gone", not a failure', async (t) => {
  const { client } = recordingClient({
    delete: (name) => {
      if (name === 'a')
        throw new AdapterError('kubernetes', 'not-found', 'pods "a" not found', { status: 404 });
    },
  });
  const checks = await dryRunPlans(plans, client);
  t.like(checks[0], { action: 'delete', name: 'a', outcome: 'gone' });
});

test('with a rate gate (spec.safety.apiRate), no dry run is sent before its slot', async (t) => {
  const { client, requests } = recordingClient({});
  const slots: (() => void)[] = [];
  const gate = () => new Promise<void>((resolve) => slots.push(resolve));
  const all = plans.flatMap((plan, index) => dryRunsOf(faults[index] as Fault, plan as never, client));
  const sending = sendDryRuns(all, gate);
  await new Promise((resolve) => setImmediate(resolve));
  t.is(slots.length, 4, 'each request asked for a slot');
  t.is(requests.length, 0, 'nothing sent while the slots are not given');
  slots[0]?.();
  await new Promise((resolve) => setImmediate(resolve));
  t.is(requests.length, 1, 'one slot, one request');
  for (const slot of slots) slot();
  t.is((await sending).length, 4);
  t.is(requests.length, 4);
});
