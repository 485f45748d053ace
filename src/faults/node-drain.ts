// nodeDrain: each picked node cordoned (its undo in the ledger first), then its pods evicted through
// the Eviction API in the background while the run goes on. A node with pods the drain must not
// evict as configured (emptyDir data, no controller) fails the fault before anything is changed,
// as kubectl does.
import { parseDuration } from '../experiment/duration.ts';
import { describeRefusals } from '../selection/drain-filter.ts';
import { cordonNode } from './cordon-node.ts';
import { drainNode } from './drain-node.ts';
import type { FaultDriver } from './fault-driver.ts';
import { type NodePlan, nodeDryRuns, nodePlanRows, nodesBlastRadius, selectNodes } from './node-targets.ts';
import { howMany } from './phrases.ts';

export const nodeDrainDriver: FaultDriver<'nodeDrain', NodePlan> = {
  async select(fault, context) {
    const plan = await selectNodes(fault.name, fault.spec, context, fault.spec);
    const refusals = plan.nodes.flatMap((node) =>
      node.refused ? [describeRefusals(node.name, node.refused)] : [],
    );
    const refusal = refusals.length > 0 ? refusals.join('; ') : undefined;
    return {
      ...plan,
      kind: 'nodeDrain',
      notes: [...plan.notes, ...refusals],
      ...(refusal ? { refusal } : {}),
    };
  },
  blastRadius: nodesBlastRadius,
  async prepare(fault, plan, context) {
    if (plan.nodes.length === 0)
      throw new Error(`no node to drain: ${plan.notes.join('; ') || 'none picked'}`);
    const refusals = plan.nodes.flatMap((node) =>
      node.refused ? [describeRefusals(node.name, node.refused)] : [],
    );
    if (refusals.length > 0) throw new Error(refusals.join('; '));
    const timeoutMs = fault.spec.timeout === undefined ? undefined : parseDuration(fault.spec.timeout);
    const kubernetes = context.kubernetes();
    return plan.nodes.map((node) => ({
      fault: fault.name,
      target: `node/${node.name}`,
      undo: { kind: 'node-cordoned', node: node.name, runId: context.runId, cluster: kubernetes.cluster },
      independent: true,
      inject: () => cordonNode(kubernetes, node.name, context.runId),
      settle: (signal) =>
        drainNode({
          kubernetes,
          clock: context.clock,
          node: node.name,
          options: fault.spec,
          timeoutMs,
          safety: context.safety,
          ...(context.apiGate ? { apiGate: context.apiGate } : {}),
          fault: fault.name,
          signal,
        }),
    }));
  },
  recoveryScope: () => ({ toxiproxyUrls: [], nodeCordons: true, cluster: true }),
  describe: ({ spec }) => `drain of ${howMany(spec, 'node')} matching ${spec.selector}`,
  planRows: nodePlanRows,
  dryRun: nodeDryRuns,
  repeatEveryMs: () => undefined,
};
