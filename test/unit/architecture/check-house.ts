import { describeCycle, findCycles, readFileGraph } from './file-graph.ts';
import { layerName, layerOf, readLayers } from './read-layers.ts';

// The rules of docs/architecture.md's layer order, checked over cli/ and src/ of a repository.
export const maxEngineFunctionLines = 80;

// The one file that may import() a specifier computed at run time: it loads a user's experiment
// module (`faultline run checkout.experiment.ts`), never a file of this repository.
const runtimeImporters = new Set(['src/experiment/import-experiment-module.ts']);

const isAllowedComputedImport = (problem: string) =>
  [...runtimeImporters].some((file) =>
    new RegExp(`^${file.replace(/\./g, '\\.')} line \\d+: import\\(\\) of a computed specifier`).test(
      problem,
    ),
  );

export type HouseCheck = {
  files: number;
  imports: number;
  problems: string[];
  /** Files in no layer of the order. */
  placeless: string[];
  /** `src/a/x.ts:3 imports src/b/y.ts: a is below b`, one per import pointing up. */
  upward: string[];
  /** One readable loop per cycle of files. */
  cycles: string[];
  /** Functions in src/engine/ over the limit. */
  longEngineFunctions: string[];
  /** The ten longest functions in src/, longest first, for the record. */
  longest: string[];
};

export function checkHouse(root: string): HouseCheck {
  const layers = readLayers(root);
  const graph = readFileGraph(root, ['cli', 'src']);
  const upward: string[] = [];
  for (const edge of graph.edges) {
    const from = layerOf(edge.from, layers);
    const to = layerOf(edge.to, layers);
    const how = edge.kind === 'value' ? 'imports' : `imports (${edge.kind})`;
    if (from === undefined) continue; // listed in placeless
    if (to === undefined) upward.push(`${edge.from}:${edge.line} ${how} ${edge.to}, which is in no layer`);
    else if (to.rank < from.rank) {
      upward.push(
        `${edge.from}:${edge.line} ${how} ${edge.to}: ${layerName(from)} is below ${layerName(to)}`,
      );
    }
  }
  const spans = [...graph.functions]
    .filter(([file]) => file.startsWith('src/'))
    .flatMap(([file, functions]) =>
      functions.map((fn) => ({ ...fn, where: `${file}:${fn.line} ${fn.name}` })),
    )
    .sort((a, b) => b.lines - a.lines);
  return {
    files: graph.files.length,
    imports: graph.edges.length,
    problems: graph.problems.filter((problem) => !isAllowedComputedImport(problem)),
    placeless: graph.files.filter((file) => layerOf(file, layers) === undefined),
    upward,
    cycles: findCycles(graph.files, graph.edges).map((component) => describeCycle(component, graph.edges)),
    longEngineFunctions: spans
      .filter((span) => span.where.startsWith('src/engine/') && span.lines > maxEngineFunctionLines)
      .map((span) => `${span.where} has ${span.lines} lines`),
    longest: spans.slice(0, 10).map((span) => `${span.lines} lines ${span.where}`),
  };
}
