// podKill, one round: the picked pods deleted with the grace period (0 = at once, forced), each
// only if it is still the pod that was picked (uid precondition). Afterwards each pod's owner is
// watched until it is fully Ready again (pod-kill-watch.ts).
import { AdapterError } from '../adapters/adapter-error.ts';
import { parseDuration } from '../experiment/duration.ts';
import { type Amount, amountOf, type PodTarget, pickRunningPods } from '../selection/select-targets.ts';
import type { FaultDriver, PlanBase } from './fault-driver.ts';
import { groupByOwner, ownersOf } from './owners.ts';
import { howMany } from './phrases.ts';
import { createOwnerWatches } from './pod-kill-watch.ts';
import type { UndoHandler } from './undo-record.ts';

export type PodKillPlan = PlanBase<'podKill'> & {
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

export const podKillDriver: FaultDriver<'podKill', PodKillPlan> = {
  async select(fault, context) {
    const { spec } = fault;
    const amount = amountOf(spec);
    const picked = await pickRunningPods(context.kubernetes(), spec, amount, {
      seed: context.seed,
      key: fault.name,
      optIn: context.optIn,
    });
    return {
      fault: fault.name,
      kind: 'podKill',
      namespace: spec.namespace,
      selector: spec.selector,
      fieldSelector: spec.fieldSelector,
      amount,
      gracePeriodSeconds:
        spec.gracePeriod === undefined ? undefined : Math.ceil(parseDuration(spec.gracePeriod) / 1000),
      ...picked,
    };
  },
  blastRadius: (plan) => ({
    fault: plan.fault,
    pods: plan.pods.map((pod) => ({ namespace: pod.namespace, name: pod.name })),
    podVerb: 'kills pods',
    namespaces: [plan.namespace],
    nodes: [],
    workloads: ownersOf(plan.pods),
    proxies: [],
    share: { taken: plan.pods.length, of: plan.running, selector: plan.selector, namespace: plan.namespace },
  }),
  async prepare(fault, plan, context, round) {
    if (plan.pods.length === 0) {
      if (round === 0) throw new Error(`no pod to kill: ${plan.notes.join('; ') || 'none picked'}`);
      return [];
    }
    const kubernetes = context.kubernetes();
    const { gracePeriodSeconds } = plan;
    const watches = createOwnerWatches(plan.pods, kubernetes, context.clock);
    return plan.pods.map((pod) => ({
      fault: fault.name,
      target: `pod/${pod.namespace}/${pod.name}`,
      undo: { kind: 'pod-deleted', namespace: pod.namespace, pod: pod.name },
      independent: true,
      ...(pod.owner ? { owner: `${pod.owner.kind}/${pod.owner.name}` } : {}),
      async inject() {
        try {
          await kubernetes.deletePod(pod.namespace, pod.name, { gracePeriodSeconds, uid: pod.uid });
        } catch (error) {
          // Gone since it was picked, or replaced by a pod of the same name: nothing left to kill.
          const gone =
            error instanceof AdapterError && (error.failure === 'not-found' || error.failure === 'conflict');
          if (!gone) throw error;
        }
        watches.killed(pod);
      },
      observe: (signal) => watches.observe(pod, signal),
    }));
  },
  recoveryScope: () => ({ toxiproxyUrls: [], nodeCordons: false, cluster: true }),
  describe: ({ spec }) =>
    `pod kill of ${howMany(spec, 'pod')} matching ${spec.selector} in ${spec.namespace}${spec.every ? `, every ${spec.every}` : ''}`,
  planRows: (plan) =>
    plan.pods.map((pod) => ({
      namespace: pod.namespace,
      target: `pod/${pod.name}`,
      owner: pod.owner && `${pod.owner.kind}/${pod.owner.name}`,
      check: { action: 'delete' as const, name: pod.name, namespace: pod.namespace },
    })),
  // One deletion per owner: the first pod picked of each, standing for the others.
  dryRun: (plan, kubernetes) =>
    groupByOwner(plan.pods).map(([pod, ...others]) => ({
      fault: plan.fault,
      action: 'delete' as const,
      namespace: pod.namespace,
      name: pod.name,
      ...(others.length > 0 ? { standsFor: others.map((other) => other.name) } : {}),
      send: async () =>
        void (await kubernetes.deletePod(pod.namespace, pod.name, {
          gracePeriodSeconds: plan.gracePeriodSeconds,
          dryRun: true,
        })),
    })),
  repeatEveryMs: ({ spec }) => (spec.every ? parseDuration(spec.every) : undefined),
};

// A deleted pod is not brought back: its controller replaces it. Nothing to revert.
export const podDeletedUndo: UndoHandler<'pod-deleted'> = {
  describe: (undo) => `pod ${undo.namespace}/${undo.pod} deleted (its controller replaces it)`,
  revert: async () => 'already-gone',
  isReverted: async () => true,
  outOfReach: () => undefined,
};
