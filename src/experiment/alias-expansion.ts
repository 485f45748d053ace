// How much a YAML document's aliases expand it. A few hundred bytes of nested anchors and aliases
// (a "billion laughs" document) stand for a billion nodes: the parser shares them, but everything
// after it (variable substitution, the schema walk, the journal) sees a tree. The expansion is
// measured on the syntax tree, each anchored node once, before anything builds that tree.
import { type Alias, type Document, isAlias, isCollection, isPair, type Node, visit } from 'yaml';
import type { Issue } from './diagnostic.ts';

/** Nodes that the aliases of one document may stand for, in all. */
export const maxAliasedNodes = 100_000;

export function checkAliasExpansion(document: Document, limit: number = maxAliasedNodes): Issue | undefined {
  // An alias names the last anchor before it in the text; the anchor of a collection comes before
  // its content, so an alias inside the node it names is a cycle.
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const aliases: Alias[] = [];
  visit(document, {
    Node(_key, node) {
      if (isAlias(node)) {
        aliases.push(node);
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  if (aliases.length === 0) return undefined;

  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let cycle: Alias | undefined;
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (target === undefined) return 1; // unresolved: toJS reports it
      if (open.has(target)) {
        cycle ??= node;
        return 1;
      }
      return sizeOf(target);
    }
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let total = 1;
    for (const item of node.items)
      total += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
    open.delete(node);
    sizes.set(node, total);
    return total;
  };

  let expanded = 0;
  for (const alias of aliases) {
    const size = sizeOf(alias);
    if (cycle) {
      return {
        path: [],
        offset: cycle.range?.[0] ?? 0,
        message: `the alias *${cycle.source} is inside the node it names: a document cannot contain itself`,
      };
    }
    expanded += size;
    if (expanded > limit) {
      return {
        path: [],
        offset: alias.range?.[0] ?? 0,
        message: `the aliases of this document stand for more than ${limit} nodes (here *${alias.source} alone stands for ${size}): a document that expands this much is refused`,
      };
    }
  }
  return undefined;
}
