// A value that is exactly one `${VAR}` takes the type its field needs: `count: "${KILLS}"` with
// KILLS=2 is the number 2, because the schema wants an integer there; where a string is allowed,
// it stays a string. Only texts that read as a number (or true/false) are converted.
import type { TSchema } from '@sinclair/typebox';
import { isPlainObject } from './describe-schema.ts';
import type { PathSegment } from './diagnostic.ts';

type SchemaNode = TSchema & Record<string, unknown>;

const numeric = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;

function expand(schema: SchemaNode): SchemaNode[] {
  return Array.isArray(schema.anyOf) ? (schema.anyOf as SchemaNode[]).flatMap(expand) : [schema];
}

function childSchemas(schema: SchemaNode, segment: PathSegment): SchemaNode[] {
  if (typeof segment === 'number') {
    if (Array.isArray(schema.items))
      return schema.items[segment] ? [schema.items[segment] as SchemaNode] : [];
    return isPlainObject(schema.items) ? [schema.items as SchemaNode] : [];
  }
  const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
  if (Object.hasOwn(properties, segment)) return [properties[segment] as SchemaNode];
  const patterns = (schema.patternProperties ?? {}) as Record<string, SchemaNode>;
  return Object.entries(patterns)
    .filter(([source]) => new RegExp(source, 'u').test(segment))
    .map(([, child]) => child);
}

function schemasAt(schema: TSchema, path: readonly PathSegment[]): SchemaNode[] {
  let candidates = expand(schema as SchemaNode);
  for (const segment of path) {
    candidates = candidates.flatMap((candidate) => childSchemas(candidate, segment)).flatMap(expand);
  }
  return candidates;
}

function coerce(text: string, schemas: SchemaNode[]): unknown {
  const types = new Set(schemas.map((schema) => schema.type));
  if (schemas.length === 0 || types.has('string')) return text;
  if ((types.has('number') || types.has('integer')) && numeric.test(text)) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function setAt(root: unknown, path: readonly PathSegment[], value: unknown): void {
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, segment) => (node as Record<PathSegment, unknown>)?.[segment], root);
  const last = path.at(-1);
  if (last !== undefined && typeof parent === 'object' && parent !== null) {
    (parent as Record<PathSegment, unknown>)[last] = value;
  }
}

// Mutates `value` (a fresh copy made by substitution) at the given paths.
export function coerceSubstitutedValues(
  schema: TSchema,
  value: unknown,
  paths: readonly PathSegment[][],
): void {
  for (const path of paths) {
    const current = path.reduce<unknown>(
      (node, segment) => (node as Record<PathSegment, unknown>)?.[segment],
      value,
    );
    if (typeof current === 'string') setAt(value, path, coerce(current, schemasAt(schema, path)));
  }
}
