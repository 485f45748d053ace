import { stripTypeScriptTypes } from 'node:module';
import { type AnyNode, type Function as FunctionNode, parse } from 'acorn';
import { ancestor, simple } from 'acorn-walk';

// What one TypeScript file depends on and which functions it defines, with their lines.
export type ModuleImport = { specifier: string; line: number; kind: 'value' | 'type' | 'dynamic' };
export type FunctionSpan = { name: string; line: number; lines: number };
export type ModuleFacts = { imports: ModuleImport[]; functions: FunctionSpan[]; problems: string[] };

// A module specifier written after `from` or inside `import(...)`.
const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(\s*)(['"])([^'"\n]+)\1/g;

// Node's type stripping replaces types with spaces and keeps every position, so the stripped text
// parses as JavaScript with the original lines. `import type`, `export type ... from` and
// `import('...')` in a type are blanked by it: they are found in the original text, where the
// stripped text has turned code into spaces (comments and strings are kept, so they never match).
export function readModule(source: string): ModuleFacts {
  const stripped = stripTypeScriptTypes(source, { mode: 'strip' });
  const lineAt = lineIndex(source);
  const program = parse(stripped, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  const imports: ModuleImport[] = [];
  const problems: string[] = [];
  const addStatic = (node: { source?: AnyNode | null | undefined; start: number }) => {
    if (node.source?.type === 'Literal' && typeof node.source.value === 'string') {
      imports.push({ specifier: node.source.value, line: lineAt(node.start), kind: 'value' });
    }
  };
  simple(program, {
    ImportDeclaration: addStatic,
    ExportNamedDeclaration: addStatic,
    ExportAllDeclaration: addStatic,
    ImportExpression(node) {
      const line = lineAt(node.start);
      if (node.source.type === 'Literal' && typeof node.source.value === 'string') {
        imports.push({ specifier: node.source.value, line, kind: 'dynamic' });
      } else problems.push(`line ${line}: import() of a computed specifier cannot be checked`);
    },
  });
  for (const match of source.matchAll(specifierPattern)) {
    const at = match.index;
    if (/\s/.test(stripped[at] ?? '') && !/\s/.test(source[at] ?? '')) {
      imports.push({ specifier: match[2] ?? '', line: lineAt(at), kind: 'type' });
    }
  }
  imports.sort((a, b) => a.line - b.line);
  return { imports, functions: readFunctions(program, lineAt), problems };
}

function readFunctions(program: AnyNode, lineAt: (offset: number) => number): FunctionSpan[] {
  const functions: FunctionSpan[] = [];
  const add = (node: FunctionNode, ancestors: AnyNode[]) => {
    const line = lineAt(node.start);
    functions.push({
      name: functionName(node, ancestors) ?? `(anonymous)`,
      line,
      lines: lineAt(node.end) - line + 1,
    });
  };
  ancestor(program, {
    FunctionDeclaration: add,
    FunctionExpression: add,
    ArrowFunctionExpression: add,
  });
  return functions;
}

// A function's own name, or the name it is bound to (const, property, method, assignment).
function functionName(node: FunctionNode, ancestors: AnyNode[]): string | undefined {
  if (node.id) return node.id.name;
  const parent = ancestors[ancestors.length - 2];
  if (!parent) return undefined;
  const key = (target: AnyNode) => (target.type === 'Identifier' ? target.name : undefined);
  if (parent.type === 'VariableDeclarator') return key(parent.id);
  if (
    parent.type === 'Property' ||
    parent.type === 'MethodDefinition' ||
    parent.type === 'PropertyDefinition'
  ) {
    return key(parent.key);
  }
  if (parent.type === 'AssignmentExpression') return key(parent.left);
  return undefined;
}

function lineIndex(source: string): (offset: number) => number {
  const starts = [0];
  for (let index = source.indexOf('\n'); index >= 0; index = source.indexOf('\n', index + 1)) {
    starts.push(index + 1);
  }
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}
