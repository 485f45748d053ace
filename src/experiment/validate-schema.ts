// Checks a value against a TypeBox (JSON) schema and collects every problem, each with the field
// path, what was expected and what was found. Supports what the experiment format uses: objects
// (properties, required, additionalProperties: false, patternProperties), arrays and tuples,
// strings (pattern, minLength), numbers and integers (minimum, maximum), literals, unions, and the
// custom keywords x-expected (the phrase for what a value must look like), x-one-of (exactly one
// of these keys) and x-format (a named check, e.g. label-selector).
import {
  describeSchema,
  describeValue,
  isPlainObject,
  type JsonSchema,
  joinAlternatives,
} from './describe-schema.ts';
import type { Issue, PathSegment } from './diagnostic.ts';
import { didYouMean } from './did-you-mean.ts';

// A named string check: returns what is wrong, or undefined when the string is fine.
export type StringFormat = { noun: string; check: (value: string) => string | undefined };

export type ValidateOptions = { formats?: Readonly<Record<string, StringFormat>> };

const patterns = new Map<string, RegExp>();

function compiledPattern(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) {
    pattern = new RegExp(source, 'u');
    patterns.set(source, pattern);
  }
  return pattern;
}

function mismatch(schema: JsonSchema, value: unknown, path: PathSegment[]): Issue {
  const expected = describeSchema(schema);
  const found = describeValue(value);
  return { path, message: `expected ${expected}, found ${found}`, expected, found };
}

class SchemaWalker {
  readonly options: ValidateOptions;
  constructor(options: ValidateOptions) {
    this.options = options;
  }

  check(schema: JsonSchema, value: unknown, path: PathSegment[]): Issue[] {
    if (Array.isArray(schema.anyOf))
      return this.checkUnion(schema.anyOf as JsonSchema[], schema, value, path);
    if ('const' in schema) return value === schema.const ? [] : [mismatch(schema, value, path)];
    switch (schema.type) {
      case 'object':
        return this.checkObject(schema, value, path);
      case 'array':
        return this.checkArray(schema, value, path);
      case 'string':
        return this.checkString(schema, value, path);
      case 'number':
      case 'integer':
        return this.checkNumber(schema, value, path);
      case 'boolean':
        return typeof value === 'boolean' ? [] : [mismatch(schema, value, path)];
      case 'null':
        return value === null ? [] : [mismatch(schema, value, path)];
      default:
        return [];
    }
  }

  checkUnion(branches: JsonSchema[], schema: JsonSchema, value: unknown, path: PathSegment[]): Issue[] {
    if (branches.every((branch) => 'const' in branch)) {
      if (branches.some((branch) => branch.const === value)) return [];
      const issue = mismatch(schema, value, path);
      const constants = branches.map((branch) => String(branch.const));
      const suggestion = typeof value === 'string' ? didYouMean(value, constants) : undefined;
      if (suggestion !== undefined) issue.message += `; did you mean "${suggestion}"?`;
      return [issue];
    }
    const results = branches.map((branch) => this.check(branch, value, path));
    if (results.some((issues) => issues.length === 0)) return [];
    // When only one branch has the value's type, its problems are the precise ones.
    const sameType = branches.flatMap((branch, index) =>
      hasTypeOf(branch, value) ? [results[index] ?? []] : [],
    );
    return sameType.length === 1 ? (sameType[0] ?? []) : [mismatch(schema, value, path)];
  }

  checkObject(schema: JsonSchema, value: unknown, path: PathSegment[]): Issue[] {
    if (!isPlainObject(value)) return [mismatch(schema, value, path)];
    const issues: Issue[] = [];
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const patternProperties = (schema.patternProperties ?? {}) as Record<string, JsonSchema>;
    const allowed = Object.keys(properties);
    const suggested = new Set<string>();
    for (const [key, item] of Object.entries(value)) {
      const keyPath = [...path, key];
      if (Object.hasOwn(properties, key)) {
        issues.push(...this.check(properties[key] as JsonSchema, item, keyPath));
        continue;
      }
      const pattern = Object.keys(patternProperties).find((source) => compiledPattern(source).test(key));
      if (pattern !== undefined) {
        issues.push(...this.check(patternProperties[pattern] as JsonSchema, item, keyPath));
      } else if (schema.additionalProperties === false) {
        const issue = unknownKey(keyPath, allowed, Object.keys(patternProperties));
        if (issue.suggestion !== undefined) suggested.add(issue.suggestion);
        issues.push(issue.issue);
      }
    }
    for (const key of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(value, key) && !suggested.has(key)) {
        issues.push({
          path,
          message: `missing required field "${key}"`,
          expected: `a field "${key}"`,
          found: 'nothing',
        });
      }
    }
    issues.push(...checkOneOf(schema, value, path, suggested));
    return issues;
  }

  checkArray(schema: JsonSchema, value: unknown, path: PathSegment[]): Issue[] {
    if (!Array.isArray(value)) return [mismatch(schema, value, path)];
    if (Array.isArray(schema.items)) {
      const items = schema.items as JsonSchema[];
      if (value.length !== items.length) return [mismatch(schema, value, path)];
      return items.flatMap((item, index) => this.check(item, value[index], [...path, index]));
    }
    const issues: Issue[] = [];
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      const expected = `at least ${schema.minItems} ${schema.minItems === 1 ? 'item' : 'items'}`;
      const found = describeValue(value);
      issues.push({ path, message: `expected ${expected}, found ${found}`, expected, found });
    }
    const items = schema.items as JsonSchema | undefined;
    if (items) issues.push(...value.flatMap((item, index) => this.check(items, item, [...path, index])));
    return issues;
  }

  checkString(schema: JsonSchema, value: unknown, path: PathSegment[]): Issue[] {
    if (typeof value !== 'string') return [mismatch(schema, value, path)];
    const tooShort = typeof schema.minLength === 'number' && value.length < schema.minLength;
    const unmatched = typeof schema.pattern === 'string' && !compiledPattern(schema.pattern).test(value);
    if (tooShort || unmatched) return [mismatch(schema, value, path)];
    const format =
      typeof schema['x-format'] === 'string' ? this.options.formats?.[schema['x-format']] : undefined;
    const problem = format?.check(value);
    if (format && problem !== undefined) {
      const found = describeValue(value);
      return [{ path, message: `invalid ${format.noun} ${found}: ${problem}`, expected: format.noun, found }];
    }
    return [];
  }

  checkNumber(schema: JsonSchema, value: unknown, path: PathSegment[]): Issue[] {
    const fits =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (schema.type !== 'integer' || Number.isInteger(value)) &&
      (typeof schema.minimum !== 'number' || value >= schema.minimum) &&
      (typeof schema.maximum !== 'number' || value <= schema.maximum);
    return fits ? [] : [mismatch(schema, value, path)];
  }
}

// A key the schema does not allow: a misspelt field (with the closest allowed one), an unknown
// field (with the list), or a key that does not match a record's key pattern.
function unknownKey(
  path: PathSegment[],
  allowed: string[],
  keyPatterns: string[],
): { issue: Issue; suggestion?: string } {
  const key = String(path.at(-1));
  const found = JSON.stringify(key);
  if (allowed.length === 0) {
    const expected = `a key matching ${joinAlternatives(keyPatterns.map((source) => `/${source}/`))}`;
    return { issue: { path, at: 'key', message: `invalid key; expected ${expected}`, expected, found } };
  }
  const suggestion = didYouMean(key, allowed);
  const expected = allowed.join(', ');
  const message =
    suggestion === undefined
      ? `unknown field; expected one of: ${expected}`
      : `unknown field; did you mean "${suggestion}"?`;
  return { issue: { path, at: 'key', message, expected, found }, suggestion };
}

function hasTypeOf(schema: JsonSchema, value: unknown): boolean {
  if ('const' in schema) return typeof schema.const === typeof value;
  switch (schema.type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number';
    case 'null':
      return value === null;
    default:
      return typeof value === schema.type;
  }
}

// x-one-of: exactly one of the listed keys. When several, the problem is placed at the second in
// the document; when none, nothing is said if a misspelt key was already taken for one of them.
function checkOneOf(
  schema: JsonSchema,
  value: Record<string, unknown>,
  path: PathSegment[],
  suggested: ReadonlySet<string>,
): Issue[] {
  const keys = schema['x-one-of'];
  if (!Array.isArray(keys)) return [];
  const present = Object.keys(value).filter((key) => keys.includes(key));
  if (present.length === 1 || (present.length === 0 && keys.some((key) => suggested.has(key)))) return [];
  const expected = `exactly one of ${joinAlternatives(keys as string[])}`;
  if (present.length === 0)
    return [{ path, message: `expected ${expected}, found none`, expected, found: 'none' }];
  const found = present.length === 2 ? `both ${present.join(' and ')}` : joinAlternatives(present, 'and');
  const second = [...path, present[1] as string];
  return [{ path: second, at: 'key', message: `expected ${expected}, found ${found}`, expected, found }];
}

export function validateSchema(schema: JsonSchema, value: unknown, options: ValidateOptions = {}): Issue[] {
  return new SchemaWalker(options).check(schema, value, []);
}
