// nodeCordon: the picked nodes marked unschedulable (and with the run id); nothing is evicted.
import { cordonNode } from './cordon-node.ts';
import type { FaultDriver } from './fault-driver.ts';
import { type NodePlan, nodeDryRuns, nodePlanRows, nodesBlastRadius, selectNodes } from './node-targets.ts';
import { howMany } from './phrases.ts';

export const nodeCordonDriver: FaultDriver<'nodeCordon', NodePlan> = {
  async select(fault, context) {
    return { ...(await selectNodes(fault.name, fault.spec, context, undefined)), kind: 'nodeCordon' };
  },
  blastRadius: nodesBlastRadius,
  async prepare(fault, plan, context) {
    if (plan.nodes.length === 0)
      throw new Error(`no node to cordon: ${plan.notes.join('; ') || 'none picked'}`);
    const kubernetes = context.kubernetes();
    return plan.nodes.map((node) => ({
      fault: fault.name,
      target: `node/${node.name}`,
      undo: { kind: 'node-cordoned', node: node.name, runId: context.runId, cluster: kubernetes.cluster },
      independent: true,
      inject: () => cordonNode(kubernetes, node.name, context.runId),
    }));
  },
  recoveryScope: () => ({ toxiproxyUrls: [], nodeCordons: true, cluster: true }),
  describe: ({ spec }) => `cordon of ${howMany(spec, 'node')} matching ${spec.selector}`,
  planRows: nodePlanRows,
  dryRun: nodeDryRuns,
  repeatEveryMs: () => undefined,
};
