import { AdapterError } from '../adapters/adapter-error.ts';
import { cordonAnnotation, type KubernetesAdapter } from '../adapters/kubernetes.ts';
import { clusterMismatch, type UndoHandler } from './undo-record.ts';

const attempts = 5;

// Cordons a node and marks it with the run id in one patch, and only while it is schedulable: the
// patch carries the resourceVersion just read, so if anyone changed the node in between (kwok's
// heartbeats do, every few seconds) the server answers 409 and the node is read again. A node that
// turned unschedulable by someone else's hand is never marked, so the revert leaves it alone.
export async function cordonNode(
  kubernetes: Pick<KubernetesAdapter, 'getNode' | 'patchNode'>,
  name: string,
  runId: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const node = await kubernetes.getNode(name);
    if (!node) throw new Error(`node ${name} no longer exists`);
    if (node.isUnschedulable) {
      if (node.annotations[cordonAnnotation] === runId) return;
      throw new Error(
        `node ${name} became unschedulable after it was picked, not by this run: it is left alone`,
      );
    }
    try {
      await kubernetes.patchNode(
        name,
        { unschedulable: true, annotations: { [cordonAnnotation]: runId } },
        { resourceVersion: node.resourceVersion },
      );
      return;
    } catch (error) {
      if (!(error instanceof AdapterError && error.failure === 'conflict') || attempt >= attempts)
        throw error;
    }
  }
}

// Only a node carrying this run's mark is uncordoned: one that was unschedulable before (or
// cordoned by someone else since) has no such mark and is left alone.
export const nodeCordonedUndo: UndoHandler<'node-cordoned'> = {
  describe: (undo) => `node ${undo.node} cordoned${undo.cluster ? ` in ${undo.cluster.server}` : ''}`,
  async revert(undo, context) {
    const kubernetes = context.kubernetes();
    const node = await kubernetes.getNode(undo.node);
    if (!node || !isMarkedBy(node.annotations, undo.runId)) return 'already-gone';
    await kubernetes.patchNode(undo.node, {
      unschedulable: false,
      annotations: { [cordonAnnotation]: null },
    });
    return 'reverted';
  },
  async isReverted(undo, context) {
    const node = await context.kubernetes().getNode(undo.node);
    return !node || !isMarkedBy(node.annotations, undo.runId);
  },
  outOfReach: (undo, context) => clusterMismatch(undo.cluster, context),
};

// A node marked by `runId`, or by any run when the record names none (ledgers written before the
// run id was recorded).
function isMarkedBy(annotations: Record<string, string>, runId: string | undefined): boolean {
  const mark = annotations[cordonAnnotation];
  return mark !== undefined && (runId === undefined || mark === runId);
}
