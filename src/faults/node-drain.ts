import { parseDuration } from '../experiment/duration.ts';
import type { FaultSpec, NodeDrainFaultSpec } from '../experiment/schema.ts';
import { describeRefusals } from '../selection/drain-filter.ts';
import type { NodePlan } from '../selection/select-targets.ts';
import { cordonNode } from './cordon-node.ts';
import { drainNode } from './drain-node.ts';
import type { FaultAction, FaultContext } from './fault-context.ts';
import { pickTargets } from './pick-targets.ts';

// nodeDrain: each picked node cordoned (its undo in the ledger first), then its pods evicted in the
// background while the run goes on. A node with pods the drain must not evict as configured
// (emptyDir data, no controller) fails the fault before anything is changed, as kubectl does.
export async function prepareNodeDrain(
  fault: FaultSpec,
  context: FaultContext,
  round: number,
): Promise<FaultAction[]> {
  const spec = fault.nodeDrain as NodeDrainFaultSpec;
  const plan = (await pickTargets(fault, context, round)) as NodePlan;
  if (plan.nodes.length === 0) throw new Error(`no node to drain: ${plan.notes.join('; ') || 'none picked'}`);
  const refusals = plan.nodes.flatMap((node) =>
    node.refused ? [describeRefusals(node.name, node.refused)] : [],
  );
  if (refusals.length > 0) throw new Error(refusals.join('; '));
  const timeoutMs = spec.timeout === undefined ? undefined : parseDuration(spec.timeout);
  return plan.nodes.map((node) => ({
    fault: fault.name,
    target: `node/${node.name}`,
    undo: { kind: 'node-cordoned', node: node.name, runId: context.runId },
    independent: true,
    inject: () => cordonNode(context.kubernetes(), node.name, context.runId),
    settle: (signal) =>
      drainNode({
        kubernetes: context.kubernetes(),
        clock: context.clock,
        node: node.name,
        options: spec,
        timeoutMs,
        safety: context.safety,
        fault: fault.name,
        signal,
      }),
  }));
}
