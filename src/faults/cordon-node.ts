import { AdapterError } from '../adapters/adapter-error.ts';
import { cordonAnnotation, type KubernetesAdapter } from '../adapters/kubernetes.ts';

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
