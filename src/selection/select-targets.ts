// Resolves what every fault of an experiment would hit, against the cluster and Toxiproxy, with a
// seeded pick so that the same seed and the same candidates give the same targets. Reads only.
import { AdapterError } from '../adapters/adapter-error.ts';
import type { KubernetesAdapter, Node, OwnerRef, Pod } from '../adapters/kubernetes.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import { parseDuration } from '../experiment/duration.ts';
import type {
  Experiment,
  FaultKind,
  FaultSpec,
  NodeCordonFaultSpec,
  NodeDrainFaultSpec,
  PartitionFaultSpec,
  PodKillFaultSpec,
  ToxiproxyFaultSpec,
} from '../experiment/schema.ts';
import { type DrainOptions, decideDrain, describeRefusals } from './drain-filter.ts';
import { formatOptInLabel, hasOptInLabel, type OptInLabel, parseOptInLabel } from './opt-in-label.ts';
import { createSeededRandom, deriveSeed, pickRandom } from './seeded-random.ts';

export type Amount = { count: number } | { percent: number };
export type Owner = { kind: string; name: string };
export type PodTarget = {
  namespace: string;
  name: string;
  uid: string;
  node: string | undefined;
  owner: Owner | undefined;
};
/** Something the selector matched that will not be touched, and why. */
export type Exclusion = { namespace?: string; name: string; reason: string };
export type NodeTarget = {
  name: string;
  evictions: PodTarget[];
  skipped: Exclusion[];
  /** Pods that make the drain fail as configured (emptyDir data, no controller); absent when none. */
  refused?: Exclusion[];
};
export type ProxyTarget = {
  url: string;
  proxy: string;
  exists: boolean;
  listen: string | undefined;
  upstream: string | undefined;
  enabled: boolean | undefined;
};

type PlanBase = { fault: string; excluded: Exclusion[]; notes: string[] };
export type PodKillPlan = PlanBase & {
  kind: 'podKill';
  namespace: string;
  selector: string;
  fieldSelector: string | undefined;
  amount: Amount;
  /** undefined: the pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds: number | undefined;
  /** Running pods, not terminating, that the selectors match: the base of `percent` and maxPodsPercent. */
  running: number;
  pods: PodTarget[];
};
export type NodePlan = PlanBase & {
  kind: 'nodeDrain' | 'nodeCordon';
  selector: string;
  amount: Amount;
  schedulable: number;
  nodes: NodeTarget[];
};
export type ProxyPlan = PlanBase & {
  kind: 'toxiproxy' | 'partition';
  proxy: ProxyTarget;
  toxic: { type: string; stream: string; toxicity: number; attributes: Record<string, number> } | undefined;
};
export type FaultPlan = PodKillPlan | NodePlan | ProxyPlan;

export type SelectionClients = {
  kubernetes: () => Pick<KubernetesAdapter, 'listPods' | 'listNodes' | 'resolveOwner'>;
  toxiproxy: (url: string) => Pick<ToxiproxyAdapter, 'url' | 'getProxy'>;
};

export function faultKindOf(fault: FaultSpec): FaultKind {
  if (fault.podKill) return 'podKill';
  if (fault.nodeDrain) return 'nodeDrain';
  if (fault.nodeCordon) return 'nodeCordon';
  if (fault.toxiproxy) return 'toxiproxy';
  if (fault.partition) return 'partition';
  throw new Error(`fault "${fault.name}" has no kind`);
}

// `percent` rounds up, and is at least 1 when above 0; without either, one target.
export function countToPick(amount: Amount, available: number): number {
  const wanted = 'count' in amount ? amount.count : Math.ceil((available * amount.percent) / 100);
  return Math.min(available, wanted);
}

function amountOf(spec: { count?: number; percent?: number }): Amount {
  if (spec.percent !== undefined) return { percent: spec.percent };
  return { count: spec.count ?? 1 };
}

function shortfall(amount: Amount, available: number, noun: string): string[] {
  if (!('count' in amount) || amount.count <= available) return [];
  return [
    `asks for ${amount.count} ${noun}${amount.count === 1 ? '' : 's'}, only ${available} can be picked`,
  ];
}

function toOwner(owner: OwnerRef | undefined): Owner | undefined {
  return owner && { kind: owner.kind, name: owner.name };
}

function splitOptedIn<T extends { labels: Record<string, string> }>(
  items: T[],
  optIn: OptInLabel | undefined,
  describe: (item: T) => Omit<Exclusion, 'reason'>,
): { kept: T[]; excluded: Exclusion[] } {
  if (!optIn) return { kept: items, excluded: [] };
  const reason = `no opt-in label ${formatOptInLabel(optIn)}`;
  const kept = items.filter((item) => hasOptInLabel(item.labels, optIn));
  const excluded = items
    .filter((item) => !hasOptInLabel(item.labels, optIn))
    .map((item) => ({ ...describe(item), reason }));
  return { kept, excluded };
}

async function selectPods(
  name: string,
  spec: PodKillFaultSpec,
  clients: SelectionClients,
  seed: number,
  optIn: OptInLabel | undefined,
): Promise<PodKillPlan> {
  const kubernetes = clients.kubernetes();
  const listed = await kubernetes.listPods(spec.namespace, spec.selector, spec.fieldSelector);
  const excluded: Exclusion[] = [];
  const running = listed.filter((pod) => {
    const reason = pod.isTerminating
      ? 'already terminating'
      : pod.phase !== 'Running'
        ? `not Running (${pod.phase ?? 'no phase'})`
        : undefined;
    if (reason) excluded.push({ namespace: pod.namespace, name: pod.name, reason });
    return reason === undefined;
  });
  const optedIn = splitOptedIn(running, optIn, (pod) => ({ namespace: pod.namespace, name: pod.name }));
  excluded.push(...optedIn.excluded);
  const amount = amountOf(spec);
  const count = countToPick(amount, optedIn.kept.length);
  const random = createSeededRandom(deriveSeed(seed, name));
  const picked = pickRandom(optedIn.kept, count, random, (pod) => pod.name);
  const pods = await Promise.all(picked.map((pod) => describePod(pod, kubernetes)));
  return {
    fault: name,
    kind: 'podKill',
    namespace: spec.namespace,
    selector: spec.selector,
    fieldSelector: spec.fieldSelector,
    amount,
    gracePeriodSeconds:
      spec.gracePeriod === undefined ? undefined : Math.ceil(parseDuration(spec.gracePeriod) / 1000),
    running: running.length,
    pods,
    excluded,
    notes:
      listed.length === 0
        ? [`no pod in ${spec.namespace} matches ${spec.selector}`]
        : shortfall(amount, optedIn.kept.length, 'pod'),
  };
}

async function describePod(
  pod: Pod,
  kubernetes: Pick<KubernetesAdapter, 'resolveOwner'>,
): Promise<PodTarget> {
  const owner = toOwner(await kubernetes.resolveOwner(pod));
  return { namespace: pod.namespace, name: pod.name, uid: pod.uid, node: pod.nodeName, owner };
}

// What `kubectl drain` would evict: everything but DaemonSet pods, mirror pods and pods already
// going; pods it would refuse (emptyDir data, no controller) are listed apart.
async function planDrain(
  node: Node,
  options: DrainOptions,
  kubernetes: ReturnType<SelectionClients['kubernetes']>,
): Promise<NodeTarget> {
  const pods = await kubernetes.listPods(undefined, undefined, `spec.nodeName=${node.name}`);
  const skipped: Exclusion[] = [];
  const refused: Exclusion[] = [];
  const evictable: Pod[] = [];
  for (const pod of pods) {
    const decision = decideDrain(pod, options);
    if (decision.action === 'evict') evictable.push(pod);
    else
      (decision.action === 'skip' ? skipped : refused).push({
        namespace: pod.namespace,
        name: pod.name,
        reason: decision.reason,
      });
  }
  evictable.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const evictions = await Promise.all(evictable.map((pod) => describePod(pod, kubernetes)));
  return { name: node.name, evictions, skipped, ...(refused.length > 0 ? { refused } : {}) };
}

async function selectNodes(
  name: string,
  kind: 'nodeDrain' | 'nodeCordon',
  spec: NodeDrainFaultSpec | NodeCordonFaultSpec,
  clients: SelectionClients,
  seed: number,
  optIn: OptInLabel | undefined,
): Promise<NodePlan> {
  const kubernetes = clients.kubernetes();
  const listed = await kubernetes.listNodes(spec.selector);
  const excluded: Exclusion[] = listed
    .filter((node) => node.isUnschedulable)
    .map((node) => ({ name: node.name, reason: 'already unschedulable' }));
  const schedulable = listed.filter((node) => !node.isUnschedulable);
  const optedIn = splitOptedIn(schedulable, optIn, (node) => ({ name: node.name }));
  excluded.push(...optedIn.excluded);
  const amount = amountOf(spec);
  const random = createSeededRandom(deriveSeed(seed, name));
  const picked = pickRandom(
    optedIn.kept,
    countToPick(amount, optedIn.kept.length),
    random,
    (node) => node.name,
  );
  const drainOptions = kind === 'nodeDrain' ? (spec as NodeDrainFaultSpec) : {};
  const nodes =
    kind === 'nodeDrain'
      ? await Promise.all(picked.map((node) => planDrain(node, drainOptions, kubernetes)))
      : picked.map((node) => ({ name: node.name, evictions: [], skipped: [] }));
  const refusals = nodes.flatMap((node: NodeTarget) =>
    node.refused ? [describeRefusals(node.name, node.refused)] : [],
  );
  return {
    fault: name,
    kind,
    selector: spec.selector,
    amount,
    schedulable: schedulable.length,
    nodes,
    excluded,
    notes:
      listed.length === 0
        ? [`no node matches ${spec.selector}`]
        : [...shortfall(amount, optedIn.kept.length, 'node'), ...refusals],
  };
}

async function selectProxy(
  name: string,
  kind: 'toxiproxy' | 'partition',
  spec: ToxiproxyFaultSpec | PartitionFaultSpec,
  clients: SelectionClients,
): Promise<ProxyPlan> {
  const toxiproxy = clients.toxiproxy(spec.url);
  const existing = await toxiproxy.getProxy(spec.proxy);
  if (!existing && !(spec.listen && spec.upstream)) {
    throw new AdapterError(
      `toxiproxy ${toxiproxy.url}`,
      'not-found',
      `fault "${name}": proxy ${spec.proxy} does not exist (declare listen and upstream to have it created)`,
    );
  }
  const toxic =
    'toxic' in spec
      ? {
          type: spec.toxic,
          stream: spec.stream ?? 'downstream',
          toxicity: spec.toxicity ?? 1,
          attributes: spec.attributes ?? {},
        }
      : undefined;
  return {
    fault: name,
    kind,
    proxy: {
      url: toxiproxy.url,
      proxy: spec.proxy,
      exists: existing !== undefined,
      listen: existing?.listen ?? spec.listen,
      upstream: existing?.upstream ?? spec.upstream,
      enabled: existing?.enabled,
    },
    toxic,
    excluded: [],
    notes: existing
      ? []
      : [`proxy ${spec.proxy} does not exist yet: the run creates it (${spec.listen} -> ${spec.upstream})`],
  };
}

// One fault's targets. A run repeating a fault passes a seed derived per repeat.
export function selectFault(
  fault: FaultSpec,
  clients: SelectionClients,
  seed: number,
  optIn: OptInLabel | undefined,
): Promise<FaultPlan> {
  const kind = faultKindOf(fault);
  switch (kind) {
    case 'podKill':
      return selectPods(fault.name, fault.podKill as PodKillFaultSpec, clients, seed, optIn);
    case 'nodeDrain':
      return selectNodes(fault.name, kind, fault.nodeDrain as NodeDrainFaultSpec, clients, seed, optIn);
    case 'nodeCordon':
      return selectNodes(fault.name, kind, fault.nodeCordon as NodeCordonFaultSpec, clients, seed, optIn);
    case 'toxiproxy':
      return selectProxy(fault.name, kind, fault.toxiproxy as ToxiproxyFaultSpec, clients);
    case 'partition':
      return selectProxy(fault.name, kind, fault.partition as PartitionFaultSpec, clients);
  }
}

// Faults are resolved one after another, in the order the experiment lists them.
export async function selectTargets(
  experiment: Experiment,
  clients: SelectionClients,
  seed: number,
): Promise<FaultPlan[]> {
  const optInText = experiment.spec.safety?.optInLabel;
  const optIn = optInText ? parseOptInLabel(optInText) : undefined;
  const plans: FaultPlan[] = [];
  for (const fault of experiment.spec.faults) plans.push(await selectFault(fault, clients, seed, optIn));
  return plans;
}
