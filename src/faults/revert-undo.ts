import { cordonAnnotation } from '../adapters/kubernetes.ts';
import type { FaultContext } from './fault-context.ts';
import type { UndoRecord } from './undo-record.ts';

export type RevertOutcome = 'reverted' | 'already-gone';

// Undoes one fault from its undo record alone. Idempotent: undoing what is already undone
// answers 'already-gone'. Throws (an AdapterError) when the server cannot be reached or refuses.
export async function revertUndo(
  undo: UndoRecord,
  context: Pick<FaultContext, 'toxiproxy' | 'kubernetes'>,
): Promise<RevertOutcome> {
  switch (undo.kind) {
    case 'toxic': {
      const removed = await context.toxiproxy(undo.url).removeToxic(undo.proxy, undo.toxic);
      return removed ? 'reverted' : 'already-gone';
    }
    case 'proxy-created': {
      const deleted = await context.toxiproxy(undo.url).deleteProxy(undo.proxy);
      return deleted ? 'reverted' : 'already-gone';
    }
    case 'proxy-disabled': {
      const toxiproxy = context.toxiproxy(undo.url);
      const proxy = await toxiproxy.getProxy(undo.proxy);
      if (!proxy || proxy.enabled) return 'already-gone';
      await toxiproxy.setEnabled(undo.proxy, true);
      return 'reverted';
    }
    case 'node-cordoned': {
      // Only a node carrying this run's mark: one that was unschedulable before (or cordoned by
      // someone else since) has no such mark and is left alone.
      const kubernetes = context.kubernetes();
      const node = await kubernetes.getNode(undo.node);
      if (!node || !isMarkedBy(node.annotations, undo.runId)) return 'already-gone';
      await kubernetes.patchNode(undo.node, {
        unschedulable: false,
        annotations: { [cordonAnnotation]: null },
      });
      return 'reverted';
    }
    case 'pod-deleted':
      return 'already-gone';
  }
}

// A node marked by `runId`, or by any run when the record names none (ledgers written before the
// run id was recorded).
function isMarkedBy(annotations: Record<string, string>, runId: string | undefined): boolean {
  const mark = annotations[cordonAnnotation];
  return mark !== undefined && (runId === undefined || mark === runId);
}

// Confirms a revert by reading the target back.
export async function isReverted(
  undo: UndoRecord,
  context: Pick<FaultContext, 'toxiproxy' | 'kubernetes'>,
): Promise<boolean> {
  switch (undo.kind) {
    case 'toxic': {
      const proxy = await context.toxiproxy(undo.url).getProxy(undo.proxy);
      return !proxy?.toxics.some((t) => t.name === undo.toxic);
    }
    case 'proxy-created':
      return (await context.toxiproxy(undo.url).getProxy(undo.proxy)) === undefined;
    case 'proxy-disabled': {
      const proxy = await context.toxiproxy(undo.url).getProxy(undo.proxy);
      return !proxy || proxy.enabled;
    }
    case 'node-cordoned': {
      const node = await context.kubernetes().getNode(undo.node);
      return !node || !isMarkedBy(node.annotations, undo.runId);
    }
    case 'pod-deleted':
      return true;
  }
}
