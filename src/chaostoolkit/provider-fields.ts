// Reading a provider's fields (a Python function's `arguments`, or an http/process provider's own
// keys) for the Faultline document: as text with Faultline's `${VAR}` in place of Chaos Toolkit's
// substitutions, or as the value the import must know now.

import { describeValue } from '../experiment/describe-schema.ts';
import type { PathSegment } from '../experiment/diagnostic.ts';
import { formatDuration } from '../experiment/duration.ts';
import type { Json } from './chaostoolkit-shape.ts';
import {
  resolveValue,
  rewriteText,
  rewriteValue,
  type TemplateContext,
  wholeReferenceName,
} from './chaostoolkit-template.ts';
import type { VariableTable } from './chaostoolkit-variables.ts';
import type { Reporter } from './reporter.ts';

export type ConvertContext = TemplateContext & { variables: VariableTable; reporter: Reporter };

export type Fields = ReturnType<typeof readFields>;

export function readFields(fields: Json, path: PathSegment[], context: ConvertContext) {
  const at = (name: string): PathSegment[] => [...path, name];
  const has = (name: string) => fields[name] !== undefined && fields[name] !== null;

  // The value Chaos Toolkit would use, known now; reports an error and returns undefined if not.
  const known = (name: string, why: string): unknown => {
    const resolved = resolveValue(fields[name], context.variables);
    if (resolved.unknown.length === 0) return resolved.value;
    context.reporter.error(
      at(name),
      `the import must know ${name} (${why}), but ${resolved.unknown.join('; ')}`,
    );
    return undefined;
  };

  return {
    raw: fields,
    path,
    at,
    has,
    /** Faultline text for a substituted field; non-strings become their text. */
    text(name: string): string | undefined {
      const value = fields[name];
      if (value === undefined || value === null) return undefined;
      return rewriteText(typeof value === 'string' ? value : String(value), at(name), context);
    },
    /** Any value of a substituted field, as Faultline writes it. */
    value(name: string): unknown {
      return has(name) ? rewriteValue(fields[name], at(name), context) : undefined;
    },
    known,
    /** A true/false argument, known now. */
    flag(name: string, fallback: boolean, why: string): boolean | undefined {
      if (!has(name)) return fallback;
      const value = known(name, why);
      if (value === undefined) return undefined;
      if (typeof value === 'boolean') return value;
      context.reporter.error(at(name), `expected true or false, found ${describeValue(value)}`);
      return undefined;
    },
    /** A number of seconds as a Faultline duration: computed when known, `${VAR}s` when it is one variable. */
    seconds(name: string): string | undefined {
      if (!has(name)) return undefined;
      const value = fields[name];
      const reference = wholeReferenceName(value);
      const resolved = resolveValue(value, context.variables);
      const seconds = typeof resolved.value === 'string' ? Number(resolved.value) : resolved.value;
      if (reference !== undefined && resolved.fromEnvironment)
        return `${rewriteText(value as string, at(name), context)}s`;
      if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
        return formatDuration(Math.round(seconds * 1000));
      }
      if (reference !== undefined && resolved.unknown.length > 0)
        return `${rewriteText(value as string, at(name), context)}s`;
      context.reporter.error(at(name), `expected a number of seconds, found ${describeValue(fields[name])}`);
      return undefined;
    },
  };
}
