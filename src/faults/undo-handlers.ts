// How each kind of undo record is reverted and confirmed, from the record alone. Typed by the
// kind: an undo kind without a handler does not compile.
import { commandRevertUndo, commandRunningUndo } from './command-fault.ts';
import { nodeCordonedUndo } from './cordon-node.ts';
import { proxyDisabledUndo } from './partition-fault.ts';
import { podDeletedUndo } from './pod-kill.ts';
import { proxyCreatedUndo } from './proxy-target.ts';
import { workloadRestartedUndo } from './rollout-restart.ts';
import { scaledUndo } from './scale-fault.ts';
import { toxicUndo } from './toxic-fault.ts';
import type {
  RevertContext,
  RevertOutcome,
  UndoHandler,
  UndoKind,
  UndoOf,
  UndoRecord,
} from './undo-record.ts';

const undoHandlers: { [K in UndoKind]: UndoHandler<K> } = {
  toxic: toxicUndo,
  'proxy-created': proxyCreatedUndo,
  'proxy-disabled': proxyDisabledUndo,
  'node-cordoned': nodeCordonedUndo,
  'pod-deleted': podDeletedUndo,
  'workload-restarted': workloadRestartedUndo,
  scaled: scaledUndo,
  'command-running': commandRunningUndo,
  'command-revert': commandRevertUndo,
};

export const undoKinds = Object.keys(undoHandlers) as UndoKind[];

export function isUndoKind(kind: unknown): kind is UndoKind {
  return typeof kind === 'string' && Object.hasOwn(undoHandlers, kind);
}

function handlerOf<K extends UndoKind>(undo: UndoOf<K>): UndoHandler<K> {
  return undoHandlers[undo.kind];
}

export function describeUndo(undo: UndoRecord): string {
  return handlerOf(undo).describe(undo);
}

export function revertUndo(undo: UndoRecord, context: RevertContext): Promise<RevertOutcome> {
  return handlerOf(undo).revert(undo, context);
}

export function isReverted(undo: UndoRecord, context: RevertContext): Promise<boolean> {
  return handlerOf(undo).isReverted(undo, context);
}

export function outOfReach(undo: UndoRecord, context: RevertContext): string | undefined {
  return handlerOf(undo).outOfReach(undo, context);
}
