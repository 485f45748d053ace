// Where a value sits in the YAML (or JSON) text: the node at a field path, as 1-based line and
// column. A path that goes further than the document points at the deepest node that exists,
// which is the parent map for a missing field.
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
} from 'yaml';
import type { PathSegment } from './diagnostic.ts';

export type SourcePosition = { line: number; column: number };

export type SourceLocator = {
  positionAt(offset: number): SourcePosition;
  positionOf(path: readonly PathSegment[], at?: 'key' | 'value'): SourcePosition;
};

type Found = { node: Node | null; pair?: Pair<unknown, unknown>; complete: boolean };

function keyText(pair: Pair<unknown, unknown>): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function findNode(document: Document, path: readonly PathSegment[]): Found {
  let node = document.contents as Node | null;
  let pair: Pair<unknown, unknown> | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = (node.resolve(document) as Node | undefined) ?? node;
    let next: Pair<unknown, unknown> | Node | undefined;
    if (isMap(node)) {
      // The last of duplicate keys wins, as in the parsed value.
      next = node.items.findLast((item) => keyText(item) === String(segment));
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined;
    }
    if (next === undefined) return { node, pair, complete: false };
    if (isPair(next)) {
      pair = next;
      node = (next.value as Node | null) ?? null;
      if (node === null) return { node: next.key as Node, pair, complete: true };
    } else {
      pair = undefined;
      node = next;
    }
  }
  return { node, pair, complete: true };
}

export function createSourceLocator(document: Document, lineCounter: LineCounter): SourceLocator {
  const positionAt = (offset: number | undefined): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  return {
    positionAt,
    positionOf(path, at = 'value') {
      const found = findNode(document, path);
      const keyNode = found.pair?.key as Node | undefined;
      if (at === 'key' && found.complete && keyNode?.range) return positionAt(keyNode.range[0]);
      return positionAt(found.node?.range?.[0]);
    },
  };
}
