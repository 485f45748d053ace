// An in-memory cluster behind the KubernetesAdapter interface, for unit tests of the Kubernetes
// faults on virtual time: Deployments whose controller replaces deleted pods (Ready after a delay),
// nodes to cordon, PodDisruptionBudgets that refuse evictions with a 429, graceful termination.
// It keeps the rules the faults depend on, not the whole API.
import { AdapterError } from '../../src/adapters/adapter-error.ts';
import type {
  KubernetesAdapter,
  Node,
  OwnerRef,
  Pod,
  PodMetadata,
  Workload,
} from '../../src/adapters/kubernetes.ts';
import type { Clock } from '../../src/clock.ts';
import { matchesLabels, parseLabelSelector } from '../../src/experiment/label-selector.ts';

type Deployment = {
  namespace: string;
  name: string;
  replicas: number;
  labels: Record<string, string>;
  /** Where its pods go (the first schedulable one, round robin); none schedulable: Pending. */
  nodes: string[];
  readyAfterMs: number;
};
type Budget = { namespace: string; name: string; labels: Record<string, string>; minAvailable: number };

export type MemoryKubernetes = KubernetesAdapter & {
  pods: Map<string, Pod>;
  nodes: Map<string, Node>;
  deployments: Map<string, Deployment>;
  budgets: Budget[];
  /** Every mutating request, in order: "delete shop/x grace=0", "evict shop/x", "patch node n1 {...}". */
  calls: string[];
  /** The next N patches of a node answer 409, as if the node changed since it was read. */
  conflictsOnPatch: number;
  /** How long a pod deleted with a grace period stays terminating. */
  terminationMs: number;
  addNode(name: string, overrides?: Partial<Node>): void;
  addDeployment(namespace: string, name: string, replicas: number, options?: Partial<Deployment>): Pod[];
  addPod(pod: Partial<Pod> & { namespace: string; name: string }): Pod;
  readyCount(namespace: string, deployment: string): number;
};

const labelsMatch = (selector: string | undefined, labels: Record<string, string>) => {
  if (selector === undefined || selector === '') return true;
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return matchesLabels(parsed.selector, labels);
};
// The pod field selectors Faultline sends: spec.nodeName=, status.phase= and !=, comma-joined.
export const fieldsMatch = (selector: string | undefined, pod: Pod) =>
  (selector ?? '')
    .split(',')
    .filter((term) => term !== '')
    .every((term) => {
      const match = /^(spec\.nodeName|status\.phase)(!=|=)(.*)$/.exec(term);
      if (!match) throw new Error(`unsupported field selector ${selector}`);
      const [, field, operator, value] = match;
      const actual = field === 'spec.nodeName' ? pod.nodeName : pod.phase;
      return (actual === value) === (operator === '=');
    });
const formatLabels = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
const gone = (what: string) =>
  new AdapterError('kubernetes', 'not-found', `${what}: not found (HTTP 404)`, { status: 404 });

export function createMemoryKubernetes(clock: Clock): MemoryKubernetes {
  const pods = new Map<string, Pod>();
  const nodes = new Map<string, Node>();
  const deployments = new Map<string, Deployment>();
  const budgets: Budget[] = [];
  const calls: string[] = [];
  let sequence = 0;
  let version = 0;
  const key = (namespace: string, name: string) => `${namespace}/${name}`;

  const newPod = (fields: Partial<Pod> & { namespace: string; name: string }): Pod => ({
    uid: `uid-${++sequence}`,
    labels: {},
    annotations: {},
    nodeName: undefined,
    phase: 'Running',
    isTerminating: false,
    controller: undefined,
    usesEmptyDir: false,
    isReady: true,
    ...fields,
  });

  // The ReplicaSet controller and the scheduler in one: a new pod on a schedulable node, Ready later.
  const createReplica = (deployment: Deployment, ready: boolean): Pod => {
    const schedulable = deployment.nodes.filter((n) => nodes.get(n) && !nodes.get(n)?.isUnschedulable);
    const nodeName = schedulable[sequence % Math.max(1, schedulable.length)];
    const pod = newPod({
      namespace: deployment.namespace,
      name: `${deployment.name}-${(++sequence).toString(36)}`,
      labels: { ...deployment.labels },
      nodeName,
      controller: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment.name}-rs` },
      phase: ready && nodeName ? 'Running' : 'Pending',
      isReady: ready && nodeName !== undefined,
    });
    pods.set(key(pod.namespace, pod.name), pod);
    if (!pod.isReady && nodeName) {
      void clock.sleep(deployment.readyAfterMs).then(() => {
        const current = pods.get(key(pod.namespace, pod.name));
        if (current?.uid === pod.uid && !current.isTerminating)
          Object.assign(current, { isReady: true, phase: 'Running' });
      });
    }
    return pod;
  };

  const deploymentOf = (pod: PodMetadata) =>
    pod.controller?.kind === 'ReplicaSet'
      ? deployments.get(key(pod.namespace, pod.controller.name.replace(/-rs$/, '')))
      : undefined;

  // Deleting: marked terminating at once (the controller replaces it then), gone after the grace.
  const remove = (pod: Pod, graceSeconds: number | undefined) => {
    if (pod.isTerminating) return;
    pod.isTerminating = true;
    pod.isReady = false;
    const deployment = deploymentOf(pod);
    if (deployment) createReplica(deployment, false);
    const drop = () => {
      if (pods.get(key(pod.namespace, pod.name))?.uid === pod.uid) pods.delete(key(pod.namespace, pod.name));
    };
    if (graceSeconds === 0) drop();
    else void clock.sleep(cluster.terminationMs).then(drop);
  };

  const find = (namespace: string, name: string, uid?: string) => {
    const pod = pods.get(key(namespace, name));
    if (!pod) throw gone(`pod ${namespace}/${name}`);
    if (uid && pod.uid !== uid)
      throw new AdapterError(
        'kubernetes',
        'conflict',
        `pod ${namespace}/${name}: uid precondition failed (HTTP 409)`,
        {
          status: 409,
        },
      );
    return pod;
  };

  const cluster: MemoryKubernetes = {
    cluster: { server: 'https://memory.test', context: 'memory' },
    pods,
    nodes,
    deployments,
    budgets,
    calls,
    conflictsOnPatch: 0,
    terminationMs: 500,
    addNode(name, overrides = {}) {
      nodes.set(name, {
        name,
        labels: { pool: 'web', 'kubernetes.io/hostname': name },
        annotations: {},
        isUnschedulable: false,
        resourceVersion: String(++version),
        ...overrides,
      });
    },
    addDeployment(namespace, name, replicas, options = {}) {
      const deployment: Deployment = {
        namespace,
        name,
        replicas,
        labels: { app: name },
        nodes: [...nodes.keys()],
        readyAfterMs: 1_000,
        ...options,
      };
      deployments.set(key(namespace, name), deployment);
      return Array.from({ length: replicas }, () => createReplica(deployment, true));
    },
    addPod(fields) {
      const pod = newPod(fields);
      pods.set(key(pod.namespace, pod.name), pod);
      return pod;
    },
    readyCount(namespace, name) {
      const deployment = deployments.get(key(namespace, name));
      if (!deployment) return 0;
      return [...pods.values()].filter(
        (p) =>
          p.namespace === namespace && p.isReady && labelsMatch(formatLabels(deployment.labels), p.labels),
      ).length;
    },

    async listPods(namespace, labelSelector, fieldSelector) {
      return [...pods.values()]
        .filter(
          (p) =>
            (namespace === undefined || p.namespace === namespace) &&
            labelsMatch(labelSelector, p.labels) &&
            fieldsMatch(fieldSelector, p),
        )
        .map((p) => ({ ...p }));
    },
    async listPodMetadata(namespace, labelSelector, fieldSelector) {
      const listed = await this.listPods(namespace, labelSelector, fieldSelector);
      return listed.map(({ namespace, name, uid, labels, isTerminating, controller }) => ({
        namespace,
        name,
        uid,
        labels,
        isTerminating,
        controller,
      }));
    },
    async listNodes(labelSelector, fieldSelector) {
      if (fieldSelector && fieldSelector !== 'spec.unschedulable=true')
        throw new Error(`unsupported field selector ${fieldSelector}`);
      return [...nodes.values()]
        .filter((n) => labelsMatch(labelSelector, n.labels) && (!fieldSelector || n.isUnschedulable))
        .map((n) => ({ ...n, annotations: { ...n.annotations } }));
    },
    async getNode(name) {
      const node = nodes.get(name);
      return node && { ...node, annotations: { ...node.annotations } };
    },
    async getObject() {
      throw new Error('getObject: not in the memory cluster');
    },
    async listObjects() {
      throw new Error('listObjects: not in the memory cluster');
    },
    // Rollouts and scaling are tested against the sandbox's real controllers.
    async readRollout() {
      throw new Error('readRollout: not in the memory cluster');
    },
    async patchWorkload() {
      throw new Error('patchWorkload: not in the memory cluster');
    },
    async listAutoscalers() {
      throw new Error('listAutoscalers: not in the memory cluster');
    },
    async deletePod(namespace, name, options) {
      calls.push(`delete ${namespace}/${name} grace=${options?.gracePeriodSeconds ?? 'default'}`);
      const pod = find(namespace, name, options?.uid);
      if (!options?.dryRun) remove(pod, options?.gracePeriodSeconds);
    },
    async evictPod(namespace, name, options) {
      calls.push(`evict ${namespace}/${name}`);
      const pod = find(namespace, name, options?.uid);
      for (const budget of budgets.filter((b) => b.namespace === namespace)) {
        if (!labelsMatch(formatLabels(budget.labels), pod.labels)) continue;
        const healthy = [...pods.values()].filter(
          (p) => p.namespace === namespace && p.isReady && labelsMatch(formatLabels(budget.labels), p.labels),
        ).length;
        if (healthy - 1 < budget.minAvailable)
          return {
            outcome: 'blocked',
            podDisruptionBudget: budget.name,
            message: `The disruption budget ${budget.name} needs ${budget.minAvailable} healthy pods and has ${healthy} currently`,
          };
      }
      if (!options?.dryRun) remove(pod, options?.gracePeriodSeconds);
      return { outcome: 'evicted' };
    },
    async patchNode(name, patch, options) {
      calls.push(`patch node ${name} ${JSON.stringify(patch)}`);
      const node = nodes.get(name);
      if (!node) throw gone(`node ${name}`);
      if (
        options?.resourceVersion &&
        (cluster.conflictsOnPatch > 0 || options.resourceVersion !== node.resourceVersion)
      ) {
        cluster.conflictsOnPatch = Math.max(0, cluster.conflictsOnPatch - 1);
        node.resourceVersion = String(++version);
        throw new AdapterError(
          'kubernetes',
          'conflict',
          `patch node ${name}: the object has been modified (HTTP 409)`,
          {
            status: 409,
          },
        );
      }
      if (patch.unschedulable !== undefined) node.isUnschedulable = patch.unschedulable;
      for (const [k, v] of Object.entries(patch.annotations ?? {})) {
        if (v === null) delete node.annotations[k];
        else node.annotations[k] = v;
      }
      node.resourceVersion = String(++version);
      return { ...node };
    },
    async listPodDisruptionBudgets(namespace) {
      return budgets
        .filter((b) => b.namespace === namespace)
        .map((b) => ({ namespace, name: b.name, selector: formatLabels(b.labels), disruptionsAllowed: 0 }));
    },
    async resolveOwner(pod): Promise<OwnerRef | undefined> {
      const deployment = deploymentOf(pod);
      return deployment
        ? { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name }
        : pod.controller;
    },
    async readWorkload(namespace, owner): Promise<Workload | undefined> {
      const deployment =
        owner.kind === 'Deployment' ? deployments.get(key(namespace, owner.name)) : undefined;
      if (!deployment) return undefined;
      return {
        kind: 'Deployment',
        name: deployment.name,
        desired: deployment.replicas,
        ready: cluster.readyCount(namespace, deployment.name),
        selector: formatLabels(deployment.labels),
      };
    },
  };
  return cluster;
}
