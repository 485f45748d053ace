// Human phrases for what a schema expects and what a value is, shared by every message that
// says "expected X, found Y".
// A JSON Schema node as plain data: a TypeBox schema is one, and so is the published file.
export type JsonSchema = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// "a", "a or b", "a, b or c"
export function joinAlternatives(items: readonly string[], conjunction = 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

function describeRange(schema: JsonSchema): string {
  const { minimum, maximum } = schema;
  if (typeof minimum === 'number' && typeof maximum === 'number') return ` between ${minimum} and ${maximum}`;
  if (typeof minimum === 'number') return ` of at least ${minimum}`;
  if (typeof maximum === 'number') return ` of at most ${maximum}`;
  return '';
}

export function describeSchema(schema: JsonSchema): string {
  const node = schema;
  if (typeof node['x-expected'] === 'string') return node['x-expected'];
  if ('const' in node) return JSON.stringify(node.const);
  if (Array.isArray(node.anyOf)) {
    const branches = node.anyOf as JsonSchema[];
    if (branches.every((branch) => 'const' in branch)) {
      return `one of ${joinAlternatives(branches.map((branch) => JSON.stringify(branch.const)))}`;
    }
    return joinAlternatives(branches.map(describeSchema));
  }
  switch (node.type) {
    case 'string':
      if (typeof node.pattern === 'string') return `a string matching /${node.pattern}/`;
      return typeof node.minLength === 'number' && node.minLength > 0 ? 'a non-empty string' : 'a string';
    case 'number':
      return `a number${describeRange(node)}`;
    case 'integer':
      return `an integer${describeRange(node)}`;
    case 'boolean':
      return 'a boolean (true or false)';
    case 'null':
      return 'null';
    case 'array':
      if (Array.isArray(node.items)) return `a list of ${node.items.length} items`;
      return typeof node.minItems === 'number' && node.minItems > 0 ? 'a non-empty list' : 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'a value';
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 76)}..."` : text;
  }
  if (typeof value === 'number' && Number.isNaN(value)) return '.nan';
  if (typeof value === 'number' && !Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty list';
    const scalars = value.every((item) => item === null || typeof item !== 'object');
    const text = `[${value.map(describeValue).join(', ')}]`;
    return scalars && text.length <= 40 ? text : `a list of ${value.length} items`;
  }
  if (isPlainObject(value)) return 'a mapping';
  return String(value);
}
