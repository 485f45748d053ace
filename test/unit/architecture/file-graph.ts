import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { type FunctionSpan, type ModuleImport, readModule } from './read-module.ts';

// The files of the house and the imports between them, paths relative to the repository root.
export type Edge = ModuleImport & { from: string; to: string };
export type FileGraph = {
  files: string[];
  edges: Edge[];
  functions: Map<string, FunctionSpan[]>;
  problems: string[];
};

export function readFileGraph(root: string, directories: readonly string[]): FileGraph {
  const files = directories
    .flatMap((directory) =>
      readdirSync(join(root, directory), { recursive: true, encoding: 'utf8' }).map((name) =>
        posix.join(directory, name.split('\\').join('/')),
      ),
    )
    .filter((file) => file.endsWith('.ts'))
    .sort();
  const edges: Edge[] = [];
  const functions = new Map<string, FunctionSpan[]>();
  const problems: string[] = [];
  for (const file of files) {
    let facts: ReturnType<typeof readModule>;
    try {
      facts = readModule(readFileSync(join(root, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: cannot be read as TypeScript: ${(error as Error).message}`);
      continue;
    }
    problems.push(...facts.problems.map((problem) => `${file} ${problem}`));
    functions.set(file, facts.functions);
    for (const item of facts.imports) {
      if (!item.specifier.startsWith('.')) continue; // node: built-ins and packages are not layers
      edges.push({
        ...item,
        from: file,
        to: posix.normalize(posix.join(posix.dirname(file), item.specifier)),
      });
    }
  }
  return { files, edges, functions, problems };
}

// Strongly connected components with more than one file (or a file importing itself): every
// such component is a cycle of imports. Tarjan's algorithm, in the order files were given.
export function findCycles(files: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>(files.map((file) => [file, new Set()]));
  for (const edge of edges) next.get(edge.from)?.add(edge.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const target of next.get(file) ?? []) {
      if (!next.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || next.get(file)?.has(file)) cycles.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return cycles;
}

// One shortest loop through the first file of a cycle, for a readable message:
// `a.ts -> b.ts -> a.ts`; the other files of the cycle are listed after it.
export function describeCycle(component: readonly string[], edges: readonly Edge[]): string {
  const members = new Set(component);
  const start = component[0] ?? '';
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const edge of edges) {
      if (edge.from !== file || !members.has(edge.to) || cameFrom.has(edge.to)) continue;
      cameFrom.set(edge.to, file);
      queue.push(edge.to);
    }
    if (cameFrom.has(start)) break;
  }
  const loop = [start];
  for (let file = cameFrom.get(start); file !== undefined && file !== start; file = cameFrom.get(file)) {
    loop.unshift(file);
  }
  loop.unshift(start);
  const rest = component.filter((file) => !loop.includes(file));
  return `${loop.join(' -> ')}${rest.length > 0 ? ` (the cycle also holds ${rest.join(', ')})` : ''}`;
}
