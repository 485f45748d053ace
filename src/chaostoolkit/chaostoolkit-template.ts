// Chaos Toolkit's substitution (chaoslib.substitute: Python's string.Template, safe_substitute):
// `${name}` and `$name` are replaced, `$$` is a `$`, anything else after `$` stays as written. A
// string that is exactly one `${name}` takes the value with its type (TypedTemplate); any other
// string gets the text of each value. Rewritten here into Faultline's `${VAR}` text, or resolved to
// the value the import must know now.

import { isPlainObject } from '../experiment/describe-schema.ts';
import type { PathSegment } from '../experiment/diagnostic.ts';
import { pythonText, type VariableTable } from './chaostoolkit-variables.ts';
import type { Reporter } from './reporter.ts';

type Piece = { text: string } | { name: string; braced: boolean };

const templateToken = /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\}|())/gi;
const wholeReference = /^\$\{([_a-z][_a-z0-9]*)\}$/i;

export function splitTemplate(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(templateToken)) {
    const [whole, escaped, named, braced] = match;
    pieces.push({ text: text.slice(last, match.index) });
    if (named !== undefined) pieces.push({ name: named, braced: false });
    else if (braced !== undefined) pieces.push({ name: braced, braced: true });
    else pieces.push({ text: escaped ?? '$' });
    last = match.index + whole.length;
  }
  pieces.push({ text: text.slice(last) });
  return pieces;
}

export function wholeReferenceName(value: unknown): string | undefined {
  return typeof value === 'string' ? wholeReference.exec(value)?.[1] : undefined;
}

// Text that Faultline must read as written: its `${` escaped as `$${`.
export function literalText(text: string): string {
  // A function, because '$$' in a replacement string means one '$'.
  return text.replaceAll('${', () => '$${');
}

export type TemplateContext = { variables: VariableTable; reporter: Reporter };

// A substituted string as Faultline text: each known name becomes `${FAULTLINE_NAME}`.
export function rewriteText(text: string, path: PathSegment[], context: TemplateContext): string {
  const { variables, reporter } = context;
  let output = '';
  let literal = '';
  const flush = () => {
    output += literalText(literal);
    literal = '';
  };
  for (const piece of splitTemplate(text)) {
    if ('text' in piece) {
      literal += piece.text;
      continue;
    }
    const known = variables.get(piece.name) !== undefined;
    if (!known && !piece.braced) {
      literal += `$${piece.name}`;
      continue;
    }
    if (!known) {
      reporter.warn(
        path,
        `\${${piece.name}} is in neither configuration nor secrets: Chaos Toolkit passes it on as written unless --var sets it; Faultline reads it from the environment or --var`,
      );
    }
    const name = variables.refer(piece.name, path) ?? piece.name;
    if (literal.endsWith('$')) {
      reporter.error(
        path,
        `"$" right before \${${piece.name}} cannot be written in Faultline (it reads "$\${" as an escaped "\${")`,
      );
    }
    flush();
    output += `\${${name}}`;
  }
  flush();
  return output;
}

// Any value of a substituted field, as the Faultline document writes it. A whole `${name}` of a
// configuration mapping or list is written out in place (a Faultline variable is text).
export function rewriteValue(value: unknown, path: PathSegment[], context: TemplateContext): unknown {
  if (typeof value === 'string') {
    const name = wholeReferenceName(value);
    const variable = name === undefined ? undefined : context.variables.get(name);
    if (variable?.source === 'literal' && typeof variable.value === 'object' && variable.value !== null) {
      return rewriteValue(variable.value, path, context);
    }
    return rewriteText(value, path, context);
  }
  if (Array.isArray(value)) return value.map((item, index) => rewriteValue(item, [...path, index], context));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, rewriteValue(item, [...path, key], context)]),
    );
  }
  return value;
}

export type Resolved = { value: unknown; unknown: string[]; fromEnvironment: boolean };

// The value Chaos Toolkit substitutes, with what the import knows now: literal configuration and
// the defaults of environment variables. `unknown` says why a part could not be known.
export function resolveValue(value: unknown, variables: VariableTable): Resolved {
  const unknown: string[] = [];
  let fromEnvironment = false;
  const lookUp = (name: string) => {
    const found = variables.staticValue(name);
    if (!found.known) {
      if (variables.get(name) !== undefined) unknown.push(found.why);
      return undefined;
    }
    fromEnvironment ||= found.fromEnvironment;
    return found;
  };
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') {
      const name = wholeReferenceName(item);
      if (name !== undefined) return lookUp(name)?.value ?? item;
      return splitTemplate(item)
        .map((piece) => {
          if ('text' in piece) return piece.text;
          const found = lookUp(piece.name);
          const source = piece.braced ? `\${${piece.name}}` : `$${piece.name}`;
          return found ? (pythonText(found.value) ?? JSON.stringify(found.value)) : source;
        })
        .join('');
    }
    if (Array.isArray(item)) return item.map(walk);
    if (isPlainObject(item))
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return { value: walk(value), unknown, fromEnvironment };
}
