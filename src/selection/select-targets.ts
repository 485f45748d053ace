// The building blocks every fault driver picks its Kubernetes targets with: the Running pods or the
// schedulable nodes a selector matches, an opt-in label, `count`/`percent`, and a seeded pick, so
// that the same seed and the same candidates give the same targets. Reads only.
import type { KubernetesAdapter, Node, OwnerRef, Pod, PodMetadata } from '../adapters/kubernetes.ts';
import { type DrainOptions, decideDrain } from './drain-filter.ts';
import { formatOptInLabel, hasOptInLabel, type OptInLabel } from './opt-in-label.ts';
import { compareText, createSeededRandom, deriveSeed, pickRandom } from './seeded-random.ts';

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

type Lister = Pick<KubernetesAdapter, 'listPods' | 'listPodMetadata' | 'listNodes' | 'resolveOwner'>;

// `percent` rounds up, and is at least 1 when above 0; without either, one target.
export function countToPick(amount: Amount, available: number): number {
  const wanted = 'count' in amount ? amount.count : Math.ceil((available * amount.percent) / 100);
  return Math.min(available, wanted);
}

export function amountOf(spec: { count?: number; percent?: number }): Amount {
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

export type PodQuery = { namespace: string; selector: string; fieldSelector?: string };
export type PickedPods = { running: number; pods: PodTarget[]; excluded: Exclusion[]; notes: string[] };

const andField = (fieldSelector: string | undefined, term: string) =>
  fieldSelector ? `${fieldSelector},${term}` : term;

// The pods the selectors match that are not candidates, each with the reason, in name order: the
// Running ones already terminating, and every pod not Running. The API server filters the phase,
// so only the few pods not Running are listed in full (for their phase).
function notCandidates(terminating: readonly PodMetadata[], notRunning: readonly Pod[]): Exclusion[] {
  const excluded = [
    ...terminating.map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      reason: 'already terminating',
    })),
    ...notRunning.map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      reason: pod.isTerminating ? 'already terminating' : `not Running (${pod.phase || 'no phase'})`,
    })),
  ];
  return excluded.sort((a, b) =>
    a.namespace === b.namespace ? compareText(a.name, b.name) : compareText(a.namespace, b.namespace),
  );
}

// Running pods, not terminating, that the selectors match (the base of `percent` and
// maxPodsPercent), then the seeded pick among those carrying the opt-in label. `key` (the fault's
// name) makes each fault's pick its own. The candidates come from a metadata-only list: at 10 000
// pods, most of the time and memory of a full list is in fields a pick never reads. The two lists
// are two reads: a pod that turns Running between them is in both (picked, and listed as not
// Running) or in neither; the next pick sees it as it is.
export async function pickRunningPods(
  kubernetes: Lister,
  query: PodQuery,
  amount: Amount,
  pick: { seed: number; key: string; optIn: OptInLabel | undefined },
): Promise<PickedPods> {
  const { namespace, selector, fieldSelector } = query;
  const [listedRunning, notRunning] = await Promise.all([
    kubernetes.listPodMetadata(namespace, selector, andField(fieldSelector, 'status.phase=Running')),
    kubernetes.listPods(namespace, selector, andField(fieldSelector, 'status.phase!=Running')),
  ]);
  const running = listedRunning.filter((pod) => !pod.isTerminating);
  const excluded = notCandidates(
    listedRunning.filter((pod) => pod.isTerminating),
    notRunning,
  );
  const optedIn = splitOptedIn(running, pick.optIn, (pod) => ({ namespace: pod.namespace, name: pod.name }));
  excluded.push(...optedIn.excluded);
  const random = createSeededRandom(deriveSeed(pick.seed, pick.key));
  const picked = pickRandom(
    optedIn.kept,
    countToPick(amount, optedIn.kept.length),
    random,
    (pod) => pod.name,
  );
  const pods = await Promise.all(picked.map((pod) => describePod(pod, kubernetes)));
  const notes =
    listedRunning.length + notRunning.length === 0
      ? [`no pod in ${namespace} matches ${selector}`]
      : shortfall(amount, optedIn.kept.length, 'pod');
  return { running: running.length, pods, excluded, notes };
}

// `node` only when the pod was listed in full (a drain's evictions); a kill's metadata has none.
export async function describePod(
  pod: PodMetadata & { nodeName?: string },
  kubernetes: Pick<KubernetesAdapter, 'resolveOwner'>,
): Promise<PodTarget> {
  const owner = toOwner(await kubernetes.resolveOwner(pod));
  return { namespace: pod.namespace, name: pod.name, uid: pod.uid, node: pod.nodeName, owner };
}

export type PickedNodes = { schedulable: number; nodes: Node[]; excluded: Exclusion[]; notes: string[] };

// Schedulable nodes the selector matches, then the seeded pick among those opted in.
export async function pickSchedulableNodes(
  kubernetes: Lister,
  selector: string,
  amount: Amount,
  pick: { seed: number; key: string; optIn: OptInLabel | undefined },
): Promise<PickedNodes> {
  const listed = await kubernetes.listNodes(selector);
  const excluded: Exclusion[] = listed
    .filter((node) => node.isUnschedulable)
    .map((node) => ({ name: node.name, reason: 'already unschedulable' }));
  const schedulable = listed.filter((node) => !node.isUnschedulable);
  const optedIn = splitOptedIn(schedulable, pick.optIn, (node) => ({ name: node.name }));
  excluded.push(...optedIn.excluded);
  const random = createSeededRandom(deriveSeed(pick.seed, pick.key));
  const count = countToPick(amount, optedIn.kept.length);
  const nodes = pickRandom(optedIn.kept, count, random, (node) => node.name);
  const notes =
    listed.length === 0 ? [`no node matches ${selector}`] : shortfall(amount, optedIn.kept.length, 'node');
  return { schedulable: schedulable.length, nodes, excluded, notes };
}

// What `kubectl drain` would evict: everything but DaemonSet pods, mirror pods and pods already
// going; pods it would refuse (emptyDir data, no controller) are listed apart.
export async function planDrain(node: Node, options: DrainOptions, kubernetes: Lister): Promise<NodeTarget> {
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
