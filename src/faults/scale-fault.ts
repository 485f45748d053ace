// scale: a Deployment's or StatefulSet's replicas set to a number, or changed by a delta; the revert
// restores what it found. The workload carries the run's mark (a label, with the replicas to
// restore in an annotation) so only this run's change is undone. A HorizontalPodAutoscaler that
// targets the workload would fight the fault: the plan names it, and the fault refuses unless
// `allowAutoscaler` says otherwise.
import { AdapterError } from '../adapters/adapter-error.ts';
import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import type { FaultDriver } from './fault-driver.ts';
import { clusterMismatch, type UndoHandler } from './undo-record.ts';
import {
  describeWorkload,
  selectWorkload,
  type WorkloadPlan,
  workloadBlastRadius,
  workloadPatchDryRun,
  workloadPlanRows,
} from './workload-target.ts';

export const scaledByLabel = 'faultline.dev/scaled-by';
export const originalReplicasAnnotation = 'faultline.dev/original-replicas';

export type ScalePlan = WorkloadPlan<'scale'> & { from: number; to: number; autoscalers: string[] };

export const scaleDriver: FaultDriver<'scale', ScalePlan> = {
  async select(fault, context) {
    const { spec } = fault;
    const kubernetes = context.kubernetes();
    const base = await selectWorkload(fault.name, spec, kubernetes);
    const from = base.state.desired;
    const to = spec.replicas ?? Math.max(0, from + (spec.delta ?? 0));
    const autoscalers = (await kubernetes.listAutoscalers(spec.namespace))
      .filter((hpa) => hpa.target.kind === spec.kind && hpa.target.name === spec.name)
      .map(
        (hpa) =>
          `HorizontalPodAutoscaler ${hpa.namespace}/${hpa.name} (${hpa.minReplicas}-${hpa.maxReplicas} replicas)`,
      );
    const notes = [...base.notes, ...autoscalers.map((hpa) => `${hpa} targets ${describeWorkload(spec)}`)];
    const refusal =
      autoscalers.length > 0 && !spec.allowAutoscaler
        ? `${autoscalers.join(', ')} targets ${describeWorkload(spec)} and would fight the scale: set allowAutoscaler: true to scale anyway`
        : undefined;
    return { ...base, kind: 'scale', from, to, autoscalers, notes, ...(refusal ? { refusal } : {}) };
  },
  // Scaling down removes pods (which ones is the controller's choice): counted, unnamed.
  blastRadius: (plan) => ({
    ...workloadBlastRadius(plan, [], 'removes pods'),
    unnamedPods: Math.max(0, plan.from - plan.to),
  }),
  async prepare(fault, plan, context) {
    const kubernetes = context.kubernetes();
    const { workload } = plan;
    return [
      {
        fault: fault.name,
        target: `${workload.kind.toLowerCase()}/${workload.namespace}/${workload.name} (${plan.from} -> ${plan.to} replicas)`,
        undo: {
          kind: 'scaled',
          namespace: workload.namespace,
          workload: workload.kind,
          name: workload.name,
          replicas: plan.from,
          runId: context.runId,
          cluster: kubernetes.cluster,
        },
        inject: () => scaleTo(kubernetes, plan, context.runId),
      },
    ];
  },
  recoveryScope: () => ({ toxiproxyUrls: [], nodeCordons: false, cluster: true }),
  describe: ({ spec }) =>
    `scale of ${describeWorkload(spec)} ${spec.replicas !== undefined ? `to ${spec.replicas}` : `by ${spec.delta}`} replicas`,
  planRows: (plan) => workloadPlanRows(plan, `${plan.from} -> ${plan.to} replicas`),
  dryRun: (plan, kubernetes) => workloadPatchDryRun(plan, kubernetes, () => ({ replicas: plan.to })),
  repeatEveryMs: () => undefined,
};

// Only while it still has the replicas the plan saw: the record in the ledger says to restore those.
async function scaleTo(kubernetes: KubernetesAdapter, plan: ScalePlan, runId: string): Promise<void> {
  const { namespace, kind, name } = plan.workload;
  const now = await kubernetes.readRollout(namespace, kind, name);
  if (!now) throw new Error(`${describeWorkload(plan.workload)} no longer exists`);
  if (now.desired !== plan.from)
    throw new Error(
      `${describeWorkload(plan.workload)} has ${now.desired} replicas now, not the ${plan.from} it was picked with: left alone`,
    );
  await kubernetes.patchWorkload(
    namespace,
    kind,
    name,
    {
      replicas: plan.to,
      labels: { [scaledByLabel]: runId },
      annotations: { [originalReplicasAnnotation]: String(plan.from) },
    },
    { resourceVersion: now.resourceVersion },
  );
}

export const scaledUndo: UndoHandler<'scaled'> = {
  describe: (undo) =>
    `${undo.workload} ${undo.namespace}/${undo.name} scaled (had ${undo.replicas} replicas)`,
  async revert(undo, context) {
    const kubernetes = context.kubernetes();
    const now = await kubernetes.readRollout(undo.namespace, undo.workload, undo.name);
    if (!now || now.labels[scaledByLabel] !== undo.runId) return 'already-gone';
    try {
      await kubernetes.patchWorkload(
        undo.namespace,
        undo.workload,
        undo.name,
        {
          replicas: undo.replicas,
          labels: { [scaledByLabel]: null },
          annotations: { [originalReplicasAnnotation]: null },
        },
        { resourceVersion: now.resourceVersion },
      );
    } catch (error) {
      if (error instanceof AdapterError && error.failure === 'not-found') return 'already-gone';
      throw error;
    }
    return 'reverted';
  },
  async isReverted(undo, context) {
    const now = await context.kubernetes().readRollout(undo.namespace, undo.workload, undo.name);
    return !now || now.labels[scaledByLabel] !== undo.runId;
  },
  outOfReach: (undo, context) => clusterMismatch(undo.cluster, context),
};
