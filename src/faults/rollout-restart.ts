// rolloutRestart: what `kubectl rollout restart` does (the pod template's restartedAt annotation
// set to now), so the workload replaces every pod by its own rollout strategy. Nothing to revert.
// With `wait`, the fault lasts until the rollout is complete as `kubectl rollout status` judges
// it; either way the journal records how long the rollout took.
import type { KubernetesAdapter, RolloutState } from '../adapters/kubernetes.ts';
import type { Clock } from '../clock.ts';
import { parseDuration } from '../experiment/duration.ts';
import type { ActionEffect, FaultDriver, SettleResult } from './fault-driver.ts';
import type { UndoHandler } from './undo-record.ts';
import {
  describeWorkload,
  selectWorkload,
  type WorkloadPlan,
  workloadBlastRadius,
  workloadPatchDryRun,
  workloadPlanRows,
} from './workload-target.ts';

export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
const defaultTimeoutMs = 5 * 60_000;
const pollMs = 250;

export const rolloutRestartDriver: FaultDriver<'rolloutRestart', WorkloadPlan<'rolloutRestart'>> = {
  async select(fault, context) {
    return {
      ...(await selectWorkload(fault.name, fault.spec, context.kubernetes())),
      kind: 'rolloutRestart',
    };
  },
  blastRadius: (plan) => workloadBlastRadius(plan, plan.pods, 'replaces pods'),
  async prepare(fault, plan, context) {
    const kubernetes = context.kubernetes();
    const { workload } = plan;
    const timeoutMs = fault.spec.timeout ? parseDuration(fault.spec.timeout) : defaultTimeoutMs;
    let patched: RolloutState | undefined;
    let injectedAt = 0;
    const follow = (signal: AbortSignal) =>
      waitForRollout(kubernetes, context.clock, patched, { signal, timeoutMs, since: injectedAt });
    return [
      {
        fault: fault.name,
        target: `${workload.kind.toLowerCase()}/${workload.namespace}/${workload.name}`,
        undo: {
          kind: 'workload-restarted',
          namespace: workload.namespace,
          workload: workload.kind,
          name: workload.name,
          cluster: kubernetes.cluster,
        },
        async inject() {
          injectedAt = context.clock.now();
          const at = new Date(injectedAt).toISOString().replace(/\.\d+Z$/, 'Z');
          patched = await kubernetes.patchWorkload(workload.namespace, workload.kind, workload.name, {
            templateAnnotations: { [restartedAtAnnotation]: at },
          });
        },
        // With `wait`, a rollout that does not complete is a failure of the fault; without, an observation.
        ...(fault.spec.wait
          ? { settle: follow }
          : { observe: async (signal) => (await follow(signal)).effect }),
      },
    ];
  },
  recoveryScope: () => ({ toxiproxyUrls: [], nodeCordons: false, cluster: true }),
  describe: ({ spec }) =>
    `rollout restart of ${describeWorkload(spec)}${spec.wait ? ', until it is complete' : ''}`,
  planRows: (plan) => workloadPlanRows(plan, `restart: ${plan.pods.length} pods replaced`),
  dryRun: (plan, kubernetes) =>
    workloadPatchDryRun(plan, kubernetes, () => ({
      templateAnnotations: { [restartedAtAnnotation]: new Date().toISOString() },
    })),
  repeatEveryMs: () => undefined,
};

// Complete as `kubectl rollout status` says: the controller saw the new template, every pod is of
// it and available, and no old pod is left.
export function isRolledOut(state: RolloutState, generation: number): boolean {
  const seen = state.kind === 'DaemonSet' || state.observedGeneration >= generation;
  const allNew = state.updated >= state.desired && state.current <= state.desired;
  const available = (state.kind === 'StatefulSet' ? state.ready : state.available) >= state.desired;
  return seen && allNew && available;
}

async function waitForRollout(
  kubernetes: Pick<KubernetesAdapter, 'readRollout'>,
  clock: Clock,
  patched: RolloutState | undefined,
  options: { signal: AbortSignal; timeoutMs: number; since: number },
): Promise<SettleResult> {
  if (!patched) return { effect: { outcome: 'not-measured', detail: 'the restart was not applied' } };
  const what = describeWorkload(patched);
  let seen = '';
  for (;;) {
    const state = await kubernetes.readRollout(patched.namespace, patched.kind, patched.name);
    if (!state) return failed(`${what} no longer exists`, clock.now() - options.since);
    seen = `${state.updated}/${state.desired} updated, ${state.available} available`;
    const afterMs = clock.now() - options.since;
    if (isRolledOut(state, patched.generation))
      return { effect: { outcome: 'rolled-out', afterMs, detail: `${what} rolled out (${seen})` } };
    if (options.signal.aborted)
      return {
        effect: {
          outcome: 'stopped',
          afterMs,
          detail: `${what} still rolling out when the fault ended (${seen})`,
        },
      };
    if (afterMs >= options.timeoutMs)
      return failed(
        `the rollout of ${what} did not complete within ${options.timeoutMs / 1000} s (${seen})`,
        afterMs,
      );
    await clock.sleep(pollMs, options.signal);
  }
}

function failed(message: string, afterMs: number): SettleResult {
  const effect: ActionEffect = { outcome: 'failed', afterMs, detail: message };
  return { effect, failure: message };
}

// A restart is not undone: the controller already replaced the pods.
export const workloadRestartedUndo: UndoHandler<'workload-restarted'> = {
  describe: (undo) => `${undo.workload} ${undo.namespace}/${undo.name} restarted (nothing to undo)`,
  revert: async () => 'already-gone',
  isReverted: async () => true,
  outOfReach: () => undefined,
};
