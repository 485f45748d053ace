// The evicting half of a drain (the node is already cordoned): every evictable pod on the node goes
// through the Eviction API, in parallel, so PodDisruptionBudgets are respected; a 429 is retried
// with backoff until the timeout; then the drain waits until the evicted pods are gone. Pods are
// listed with a server-side field selector, and the wait polls that one list (not one GET per pod).
import { AdapterError } from '../adapters/adapter-error.ts';
import type { KubernetesAdapter, Pod } from '../adapters/kubernetes.ts';
import type { Clock } from '../clock.ts';
import { mapWithLimit } from '../concurrency/map-with-limit.ts';
import type { RateGate } from '../concurrency/rate-gate.ts';
import type { SafetySpec } from '../experiment/schema.ts';
import { type DrainOptions, decideDrain, describeRefusals } from '../selection/drain-filter.ts';
import { type BlastRadius, checkSafety } from '../selection/safety.ts';
import type { ActionEffect, SettleResult } from './fault-driver.ts';

export type DrainRequest = {
  kubernetes: Pick<KubernetesAdapter, 'listPods' | 'evictPod'>;
  clock: Clock;
  node: string;
  options: DrainOptions;
  /** Gives up this long after the drain began; without it only the signal stops the drain. */
  timeoutMs?: number;
  /** Namespaces are checked again on what is on the node now. */
  safety?: SafetySpec;
  fault?: string;
  signal: AbortSignal;
  /** spec.safety.apiRate: awaited before each eviction. */
  apiGate?: RateGate;
  concurrency?: number;
  pollMs?: number;
};

type Eviction =
  | { state: 'evicted' | 'gone' | 'stopped' }
  | { state: 'blocked'; budget: string | undefined; message: string }
  | { state: 'failed'; message: string };

const defaultConcurrency = 50;
const defaultPollMs = 200;
const maxBackoffMs = 5_000;

const nameOf = (pod: { namespace: string; name: string }) => `${pod.namespace}/${pod.name}`;

export async function drainNode(request: DrainRequest): Promise<SettleResult> {
  const { kubernetes, clock, node, signal } = request;
  const startedAt = clock.now();
  const deadline = request.timeoutMs === undefined ? undefined : startedAt + request.timeoutMs;
  const timeLeft = () => (deadline === undefined ? Number.POSITIVE_INFINITY : deadline - clock.now());
  const after = () => clock.now() - startedAt;
  const onNode = () => kubernetes.listPods(undefined, undefined, `spec.nodeName=${node}`);

  const evictable: Pod[] = [];
  const skipped: { pod: string; reason: string }[] = [];
  const refused: { namespace: string; name: string; reason: string }[] = [];
  for (const pod of await onNode()) {
    const decision = decideDrain(pod, request.options);
    if (decision.action === 'evict') evictable.push(pod);
    else if (decision.action === 'skip') skipped.push({ pod: nameOf(pod), reason: decision.reason });
    else refused.push({ namespace: pod.namespace, name: pod.name, reason: decision.reason });
  }
  const base = { skipped, evicted: [] as string[] };
  if (refused.length > 0) return failed(describeRefusals(node, refused), { ...base, afterMs: after() });
  const unsafe = checkSafety([radiusOf(request.fault ?? 'drain', node, evictable)], request.safety);
  if (unsafe.length > 0)
    return failed(`safety: ${unsafe.map((v) => v.message).join('; ')}`, { ...base, afterMs: after() });

  const evictOne = async (pod: Pod): Promise<Eviction> => {
    let delay = 250;
    let last: Eviction | undefined;
    for (;;) {
      if (signal.aborted) return last?.state === 'blocked' ? last : { state: 'stopped' };
      if (timeLeft() <= 0 && last) return last;
      await request.apiGate?.(signal);
      if (signal.aborted) continue;
      try {
        const result = await kubernetes.evictPod(pod.namespace, pod.name, { uid: pod.uid });
        if (result.outcome === 'evicted') return { state: 'evicted' };
        last = { state: 'blocked', budget: result.podDisruptionBudget, message: result.message };
      } catch (error) {
        if (!(error instanceof AdapterError)) throw error;
        // Gone, or replaced by a pod of the same name (the uid precondition failed): not ours to evict.
        if (error.failure === 'not-found' || error.failure === 'conflict') return { state: 'gone' };
        last = { state: 'failed', message: error.message };
        if (error.failure === 'forbidden' || error.failure === 'invalid') return last;
      }
      await clock.sleep(Math.min(delay, Math.max(0, timeLeft())), signal);
      delay = Math.min(delay * 2, maxBackoffMs);
    }
  };
  const results = await mapWithLimit(evictable, request.concurrency ?? defaultConcurrency, evictOne);
  const evicted = evictable.filter((_, index) => results[index]?.state === 'evicted');
  base.evicted = evicted.map(nameOf);

  const blocked = results.flatMap((result, index) =>
    result.state === 'blocked' ? [{ pod: evictable[index] as Pod, result }] : [],
  );
  if (blocked.length > 0) {
    const first = blocked[0] as (typeof blocked)[number];
    const budget = first.result.budget && `${first.pod.namespace}/${first.result.budget}`;
    const why = budget ? `PodDisruptionBudget ${budget}` : 'the API server (429)';
    const gaveUp = signal.aborted
      ? 'the fault ended first'
      : `gave up after the timeout of ${formatSeconds(request.timeoutMs ?? 0)}`;
    const pods =
      blocked.length === 1 ? nameOf(first.pod) : `${blocked.length} pods (${nameOf(first.pod)}, ...)`;
    return {
      effect: {
        outcome: 'blocked',
        afterMs: after(),
        detail: `${pods} not evicted: ${first.result.message}`,
        ...base,
        ...(budget ? { podDisruptionBudget: budget } : {}),
      },
      failure: `drain of node ${node} blocked by ${why}: ${first.result.message} (${gaveUp}; ${pods} not evicted, ${evicted.length} evicted)`,
    };
  }
  const failures = results.flatMap((result, index) =>
    result.state === 'failed' ? [`${nameOf(evictable[index] as Pod)}: ${result.message}`] : [],
  );
  if (failures.length > 0)
    return failed(`drain of node ${node}: could not evict ${failures.join('; ')}`, {
      ...base,
      afterMs: after(),
    });
  if (results.some((result) => result.state === 'stopped'))
    return stopped(`drain of node ${node} stopped before every pod was evicted`, base, after());

  // Wait until the evicted pods are gone (a pod of the same name with another uid is a new one).
  const waitingFor = new Set(evicted.map((pod) => pod.uid));
  let delay = 50;
  while (waitingFor.size > 0) {
    const present = new Set((await onNode()).map((pod) => pod.uid));
    for (const uid of waitingFor) if (!present.has(uid)) waitingFor.delete(uid);
    if (waitingFor.size === 0) break;
    if (signal.aborted) return stopped(`${waitingFor.size} evicted pods still terminating`, base, after());
    if (timeLeft() <= 0)
      return failed(
        `drain of node ${node}: ${waitingFor.size} evicted pods still terminating after the timeout of ${formatSeconds(request.timeoutMs ?? 0)}`,
        { ...base, afterMs: after() },
      );
    await clock.sleep(Math.min(delay, timeLeft()), signal);
    delay = Math.min(delay * 2, request.pollMs ?? defaultPollMs);
  }
  const took = after();
  return {
    effect: {
      outcome: 'drained',
      afterMs: took,
      detail: `node ${node} drained: ${evicted.length} pods evicted and gone in ${formatSeconds(took)}${skipped.length > 0 ? `, ${skipped.length} left (DaemonSet, mirror or terminating)` : ''}`,
      ...base,
    },
  };
}

function failed(message: string, effect: Omit<ActionEffect, 'outcome' | 'detail'>): SettleResult {
  return { effect: { outcome: 'failed', detail: message, ...effect }, failure: message };
}

// Stopped by the run (its end, Ctrl-C) with nothing blocking: not a failure of the drain itself.
function stopped(
  message: string,
  base: Omit<ActionEffect, 'outcome' | 'detail'>,
  afterMs: number,
): SettleResult {
  return { effect: { outcome: 'stopped', detail: message, afterMs, ...base } };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')} s`;
}

// The pods found on the node now, judged by the namespace rules again (the cluster may have moved
// pods onto it since the plan).
function radiusOf(fault: string, node: string, pods: Pod[]): BlastRadius {
  return {
    fault,
    pods: pods.map((pod) => ({ namespace: pod.namespace, name: pod.name })),
    podVerb: 'evicts pods',
    namespaces: [...new Set(pods.map((pod) => pod.namespace))].sort(),
    nodes: [node],
    workloads: [],
    proxies: [],
  };
}
