// The imported experiment as YAML text, each note a `#` comment above the part it is about.
// Small mappings (expect, during, a secret's source) and argument lists are written inline.
import { Document, isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { PathSegment } from '../experiment/diagnostic.ts';
import type { Note } from './reporter.ts';

const inlineKeys = new Set([
  'expect',
  'during',
  'attributes',
  'run',
  'inject',
  'revert',
  'tags',
  'status',
  'between',
]);

function markInline(node: unknown, key?: string): void {
  if (isMap(node) || isSeq(node)) {
    const short = node.items.every((item) => !isScalar(item) || !String(item.value).includes('\n'));
    if (key !== undefined && inlineKeys.has(key) && short) node.flow = true;
    for (const item of node.items) {
      if (isPair(item)) markInline(item.value, isScalar(item.key) ? String(item.key.value) : undefined);
      else markInline(item);
    }
  }
}

function addComment(document: Document, path: readonly PathSegment[], text: string): void {
  const lines = text
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
  const last = path.at(-1);
  const parent = path.length === 0 ? undefined : document.getIn(path.slice(0, -1), true);
  let target: Node | undefined;
  if (path.length === 0) {
    document.commentBefore = document.commentBefore ? `${document.commentBefore}\n${lines}` : lines;
    return;
  }
  if (isSeq(parent) && typeof last === 'number') target = parent.items[last] as Node | undefined;
  if (isMap(parent)) {
    const pair = parent.items.find((item: Pair) => isScalar(item.key) && item.key.value === last);
    target = pair?.key as Node | undefined;
  }
  if (!target) return;
  target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${lines}` : lines;
}

export function renderFaultlineYaml(
  document: Record<string, unknown>,
  header: string[],
  notes: readonly Note[],
): string {
  const yaml = new Document(document);
  markInline(yaml.contents);
  for (const line of header) addComment(yaml, [], line);
  for (const note of notes) addComment(yaml, note.path, note.text);
  return yaml.toString({ lineWidth: 0 });
}
