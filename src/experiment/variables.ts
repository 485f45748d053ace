// ${VAR} substitution in every string value of a document (never in keys). Values come from, in
// increasing precedence: spec.configuration defaults, the process environment, --var KEY=VALUE.
// spec.secrets names read their value from an environment variable or a file; every secret value
// goes into a redaction list so that nothing printed or written shows it. `$${VAR}` is a literal.
import { resolve } from 'node:path';
import { describeValue, isPlainObject } from './describe-schema.ts';
import type { Issue, PathSegment, Severity } from './diagnostic.ts';
import { maxSecretBytes, readSourceFile } from './read-source-file.ts';
import { minimumSecretLength } from './redactor.ts';

export { createRedactor } from './redactor.ts';

export type VariableSources = {
  configuration?: unknown;
  secrets?: unknown;
  env: Readonly<Record<string, string | undefined>>;
  vars: Readonly<Record<string, string>>;
  /** Secret files are read relative to this directory (the experiment file's). */
  baseDirectory: string;
  /** How an unresolved variable or an unreadable secret is reported. */
  unresolved: Severity;
};

export type Variables = {
  values: ReadonlyMap<string, string>;
  secretValues: readonly string[];
  /** Declared secrets whose value could not be read: reported where they are declared. */
  failedSecrets: ReadonlySet<string>;
  unresolved: Severity;
  issues: Issue[];
};

export type Substitution = {
  value: unknown;
  unresolvedPaths: PathSegment[][];
  /** Strings that were exactly one resolved reference: coerce-variables.ts may give them a type. */
  wholeReferencePaths: PathSegment[][];
  issues: Issue[];
};

export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const reference = /\$\$\{|\$\{([^}]*)\}/g;
const wholeReference = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

function readSecret(
  name: string,
  declaration: unknown,
  sources: VariableSources,
): { value: string } | { problem: string } | undefined {
  if (Object.hasOwn(sources.vars, name)) return { value: sources.vars[name] as string };
  if (!isPlainObject(declaration)) return undefined;
  if (typeof declaration.env === 'string') {
    const value = sources.env[declaration.env];
    return value === undefined
      ? { problem: `secret ${name}: the environment variable ${declaration.env} is not set` }
      : { value };
  }
  if (typeof declaration.file === 'string') {
    const path = resolve(sources.baseDirectory, declaration.file);
    const read = readSourceFile(path, maxSecretBytes, `the file ${JSON.stringify(declaration.file)}`);
    return 'text' in read
      ? { value: read.text.replace(/\r?\n$/, '') }
      : { problem: `secret ${name}: ${read.problem}` };
  }
  return undefined;
}

export function resolveVariables(sources: VariableSources): Variables {
  const values = new Map<string, string>();
  const issues: Issue[] = [];
  if (isPlainObject(sources.configuration)) {
    for (const [name, value] of Object.entries(sources.configuration)) {
      if (typeof value === 'string') values.set(name, value);
    }
  }
  for (const [name, value] of Object.entries(sources.env)) if (value !== undefined) values.set(name, value);
  for (const [name, value] of Object.entries(sources.vars)) values.set(name, value);

  const secretValues: string[] = [];
  const failedSecrets = new Set<string>();
  if (isPlainObject(sources.secrets)) {
    for (const [name, declaration] of Object.entries(sources.secrets)) {
      const path = ['spec', 'secrets', name];
      if (isPlainObject(sources.configuration) && Object.hasOwn(sources.configuration, name)) {
        issues.push({
          path,
          at: 'key',
          message: `${name} is declared both in spec.configuration and in spec.secrets`,
        });
      }
      const secret = readSecret(name, declaration, sources);
      if (secret === undefined) continue;
      if ('problem' in secret) {
        failedSecrets.add(name);
        values.delete(name);
        issues.push({ path, message: secret.problem, severity: sources.unresolved });
      } else {
        values.set(name, secret.value);
        const length = [...secret.value].length;
        // Refused; and left out of the redactor, which would shred the very message saying why
        // (nothing runs, so nothing else is printed with it).
        if (length === 0 || length >= minimumSecretLength) secretValues.push(secret.value);
        else {
          issues.push({
            path,
            message: `secret ${name} is ${length} character${length > 1 ? 's' : ''} long: every output hides a secret by replacing it wherever it occurs, and a value this short would be replaced everywhere; a secret needs at least ${minimumSecretLength} characters (a value that is not secret belongs in spec.configuration)`,
          });
        }
      }
    }
  }
  return { values, secretValues, failedSecrets, unresolved: sources.unresolved, issues };
}

export type TextSubstitution = { text: string; unresolved: string[]; invalid: string[] };

export function substituteInText(text: string, values: ReadonlyMap<string, string>): TextSubstitution {
  const unresolved: string[] = [];
  const invalid: string[] = [];
  const substituted = text.replace(reference, (match, name: string | undefined) => {
    if (name === undefined) return '${';
    if (!variableNamePattern.test(name)) {
      invalid.push(match);
      return match;
    }
    const value = values.get(name);
    if (value === undefined) {
      unresolved.push(name);
      return match;
    }
    return value;
  });
  return { text: substituted, unresolved, invalid };
}

export type SubstituteOptions = {
  /** Subtrees left as written (the variable declarations themselves). */
  skip?: (path: readonly PathSegment[]) => boolean;
};

export function substituteVariables(
  value: unknown,
  variables: Variables,
  options: SubstituteOptions = {},
): Substitution {
  const unresolvedPaths: PathSegment[][] = [];
  const wholeReferencePaths: PathSegment[][] = [];
  const issues: Issue[] = [];

  const substituteString = (text: string, path: PathSegment[]): string => {
    const result = substituteInText(text, variables.values);
    if (result.invalid.length > 0) {
      issues.push({
        path,
        message: `invalid variable reference ${result.invalid.join(', ')}: a name is letters, digits and _, not starting with a digit`,
        found: describeValue(text),
      });
    }
    if (result.unresolved.length > 0) {
      unresolvedPaths.push(path);
      const names = [...new Set(result.unresolved)].filter((name) => !variables.failedSecrets.has(name));
      if (names.length > 0) {
        const list = names.map((name) => `\${${name}}`).join(', ');
        issues.push({
          path,
          message: `unresolved variable${names.length > 1 ? 's' : ''} ${list} (set ${names.length > 1 ? 'them' : 'it'} in the environment, with --var or in spec.configuration)`,
          severity: variables.unresolved,
        });
      }
      return result.text;
    }
    if (wholeReference.test(text)) wholeReferencePaths.push(path);
    return result.text;
  };

  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (options.skip?.(path)) return node;
    if (typeof node === 'string') return substituteString(node, path);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (isPlainObject(node)) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return node;
  };

  return { value: walk(value, []), unresolvedPaths, wholeReferencePaths, issues };
}
