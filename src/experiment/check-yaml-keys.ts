// Map keys the YAML parser accepts but an experiment cannot have: duplicates (the later value
// would silently win) and keys that are mappings or lists.
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { Issue, PathSegment } from './diagnostic.ts';

// Keys that are collections make the parsed value meaningless (they become strings like "[ a ]"),
// so they are returned apart: the caller stops there.
export function checkYamlKeys(
  document: Document,
  lineCounter: LineCounter,
): { duplicateKeys: Issue[]; collectionKeys: Issue[] } {
  const duplicateKeys: Issue[] = [];
  const collectionKeys: Issue[] = [];
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) visit(item, [...path, index]);
    }
    if (!isMap(node)) return;
    const firstLine = new Map<string, number>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const offset = key?.range?.[0];
      if (!isScalar(key)) {
        if (key !== null)
          collectionKeys.push({
            path,
            offset,
            message: 'a key must be a plain value, not a mapping or a list',
          });
        continue;
      }
      const name = String(key.value);
      const first = firstLine.get(name);
      if (first === undefined) {
        firstLine.set(name, lineCounter.linePos(offset ?? 0).line);
      } else {
        duplicateKeys.push({
          path: [...path, name],
          offset,
          message: `duplicate key ${JSON.stringify(name)} (first at line ${first})`,
        });
      }
      visit(pair.value, [...path, name]);
    }
  };
  visit(document.contents, []);
  return { duplicateKeys, collectionKeys };
}
