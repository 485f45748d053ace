import type { FaultSpec } from '../experiment/schema.ts';
import type { NodePlan } from '../selection/select-targets.ts';
import { cordonNode } from './cordon-node.ts';
import type { FaultAction, FaultContext } from './fault-context.ts';
import { pickTargets } from './pick-targets.ts';

// nodeCordon: the picked nodes marked unschedulable (and with the run id); nothing is evicted.
export async function prepareNodeCordon(
  fault: FaultSpec,
  context: FaultContext,
  round: number,
): Promise<FaultAction[]> {
  const plan = (await pickTargets(fault, context, round)) as NodePlan;
  if (plan.nodes.length === 0)
    throw new Error(`no node to cordon: ${plan.notes.join('; ') || 'none picked'}`);
  return plan.nodes.map((node) => ({
    fault: fault.name,
    target: `node/${node.name}`,
    undo: { kind: 'node-cordoned', node: node.name, runId: context.runId },
    independent: true,
    inject: () => cordonNode(context.kubernetes(), node.name, context.runId),
  }));
}
