// How to undo one injected fault: written to the fault ledger before the fault is injected, and
// enough on its own to revert it (the experiment file is not needed), so `faultline recover` can.
export type UndoRecord =
  | { kind: 'toxic'; url: string; proxy: string; toxic: string }
  | { kind: 'proxy-created'; url: string; proxy: string }
  | { kind: 'proxy-disabled'; url: string; proxy: string }
  /** runId: the run whose mark the node carries; only a node with that mark is uncordoned. */
  | { kind: 'node-cordoned'; node: string; runId?: string }
  | { kind: 'pod-deleted'; namespace: string; pod: string };

export function describeUndo(undo: UndoRecord): string {
  switch (undo.kind) {
    case 'toxic':
      return `toxic ${undo.toxic} on proxy ${undo.proxy} at ${undo.url}`;
    case 'proxy-created':
      return `proxy ${undo.proxy} created at ${undo.url}`;
    case 'proxy-disabled':
      return `proxy ${undo.proxy} disabled at ${undo.url}`;
    case 'node-cordoned':
      return `node ${undo.node} cordoned`;
    case 'pod-deleted':
      return `pod ${undo.namespace}/${undo.pod} deleted (its controller replaces it)`;
  }
}
