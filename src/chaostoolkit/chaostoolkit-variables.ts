// Chaos Toolkit's `configuration` and `secrets`, read as Faultline variables. Substitution looks a
// name up in the configuration first, then in each secret scope in order (a ChainMap), as
// chaoslib.substitute does. A configuration entry read from the environment becomes the Faultline
// variable named like the environment variable (Faultline reads a variable from the environment
// variable of the same name), its default the configuration value; an env secret becomes a
// Faultline secret. Only what the imported experiment uses is written out.

import type { PathSegment } from '../experiment/diagnostic.ts';
import { variableNamePattern } from '../experiment/variables.ts';
import { asRecord, type Json } from './chaostoolkit-shape.ts';
import type { Reporter } from './reporter.ts';

export type CtkVariable =
  | { source: 'literal'; name: string; value: unknown; path: PathSegment[] }
  | {
      source: 'env';
      name: string;
      envKey: string;
      hasDefault: boolean;
      defaultValue: unknown;
      envType: string | undefined;
      path: PathSegment[];
    }
  | { source: 'secret-env'; name: string; envKey: string; path: PathSegment[] }
  | { source: 'secret-literal'; name: string; value: unknown; path: PathSegment[] }
  | { source: 'unsupported'; name: string; reason: string; path: PathSegment[] };

export type StaticValue =
  | { known: true; value: unknown; fromEnvironment: boolean }
  | { known: false; why: string };

const envTypes = ['str', 'string', 'int', 'integer', 'float', 'number', 'bool', 'json', 'bytes'];

// Python's str() of a scalar, as a `${name}` inside a longer string renders it.
export function pythonText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  if (typeof value === 'number') return String(value);
  return undefined;
}

// chaoslib.convert_to_type on a default value.
function convertDefault(type: string | undefined, value: unknown): unknown {
  if (type === undefined || type === 'str' || type === 'string' || typeof value !== 'string') return value;
  if (type === 'int' || type === 'integer') return Number.parseInt(value, 10);
  if (type === 'float' || type === 'number') return Number.parseFloat(value);
  if (type === 'bool') return !['false', '0', 'no'].includes(value.toLowerCase());
  return value;
}

function readConfiguration(name: string, value: unknown, path: PathSegment[]): CtkVariable {
  const entry = asRecord(value);
  if (!entry || !('type' in entry)) return { source: 'literal', name, value, path };
  if (entry.type === 'probe') {
    return {
      source: 'unsupported',
      name,
      path,
      reason: 'a dynamic configuration (a probe run before the experiment)',
    };
  }
  if (entry.type !== 'env') return { source: 'literal', name, value, path };
  const envType = typeof entry.env_var_type === 'string' ? entry.env_var_type : undefined;
  if (envType !== undefined && !envTypes.includes(envType)) {
    return {
      source: 'unsupported',
      name,
      path,
      reason: `env_var_type ${JSON.stringify(envType)} is not a Chaos Toolkit type`,
    };
  }
  if (envType === 'json' || envType === 'bytes') {
    return {
      source: 'unsupported',
      name,
      path,
      reason: `env_var_type ${envType}: Faultline variables are text`,
    };
  }
  return {
    source: 'env',
    name,
    envKey: String(entry.key ?? ''),
    hasDefault: 'default' in entry,
    defaultValue: convertDefault(envType, entry.default),
    envType,
    path,
  };
}

function readSecret(name: string, value: unknown, path: PathSegment[]): CtkVariable {
  const entry = asRecord(value);
  if (entry?.type === 'env') return { source: 'secret-env', name, envKey: String(entry.key ?? ''), path };
  if (entry?.type === 'vault') {
    return {
      source: 'unsupported',
      name,
      path,
      reason: 'a Vault secret: Faultline reads secrets from environment variables and files',
    };
  }
  return { source: 'secret-literal', name, value, path };
}

export type VariableTable = ReturnType<typeof createVariableTable>;

export function createVariableTable(experiment: Json, reporter: Reporter) {
  const byName = new Map<string, CtkVariable>();
  const secretScopes = asRecord(experiment.secrets) ?? {};
  for (const [scope, secrets] of Object.entries(secretScopes)) {
    const entries = asRecord(secrets);
    if (!entries) continue;
    for (const [name, value] of Object.entries(entries)) {
      const variable = readSecret(name, value, ['secrets', scope, name]);
      if (variable.source === 'unsupported')
        reporter.error(variable.path, `secret ${name}: ${variable.reason}`);
      if (!byName.has(name)) byName.set(name, variable);
    }
  }
  // The configuration comes first in the ChainMap: it shadows a secret of the same name.
  for (const [name, value] of Object.entries(asRecord(experiment.configuration) ?? {})) {
    const variable = readConfiguration(name, value, ['configuration', name]);
    if (variable.source === 'unsupported' && variable.reason.startsWith('a dynamic')) {
      reporter.error(variable.path, `configuration ${name}: ${variable.reason} cannot be imported`);
    }
    byName.set(name, variable);
  }

  const used = new Map<string, CtkVariable>(); // by Faultline name
  const consulted = new Set<string>(); // names whose value the import read (a pause, a tolerance)
  const faultlineNameOf = (variable: CtkVariable): string =>
    variable.source === 'env' ? variable.envKey : variable.name;

  return {
    get: (name: string): CtkVariable | undefined => byName.get(name),

    // The Faultline variable that stands for `name` (recorded as used), or undefined with an error.
    refer(name: string, at: PathSegment[]): string | undefined {
      const variable = byName.get(name);
      if (!variable) return name;
      if (variable.source === 'unsupported') {
        reporter.error(at, `\${${name}} cannot be imported: ${variable.reason}`);
        return undefined;
      }
      const faultlineName = faultlineNameOf(variable);
      if (!variableNamePattern.test(faultlineName)) {
        reporter.error(
          at,
          `\${${name}} reads the environment variable ${JSON.stringify(faultlineName)}; Faultline reads variables from environment variables named with letters, digits and _`,
        );
        return undefined;
      }
      const claimed = used.get(faultlineName);
      if (
        claimed &&
        claimed !== variable &&
        JSON.stringify({ ...claimed, name: '', path: [] }) !==
          JSON.stringify({ ...variable, name: '', path: [] })
      ) {
        reporter.error(
          at,
          `\${${name}} and \${${claimed.name}} both become the Faultline variable ${faultlineName}, with different values`,
        );
        return undefined;
      }
      if (variable.source === 'secret-literal' && !used.has(faultlineName)) {
        reporter.warn(
          variable.path,
          `secret ${name} is written in the file: the import keeps it as configuration, which Faultline prints`,
        );
      }
      used.set(faultlineName, variable);
      return faultlineName;
    },

    // The value `${name}` has when the import runs, where it must be known (a pause, a tolerance).
    staticValue(name: string): StaticValue {
      consulted.add(name);
      const variable = byName.get(name);
      if (!variable) return { known: false, why: `\${${name}} is in neither configuration nor secrets` };
      switch (variable.source) {
        case 'literal':
        case 'secret-literal':
          return { known: true, value: variable.value, fromEnvironment: false };
        case 'env':
          return variable.hasDefault
            ? { known: true, value: variable.defaultValue, fromEnvironment: true }
            : {
                known: false,
                why: `\${${name}} is the environment variable ${variable.envKey}, which has no default`,
              };
        case 'secret-env':
          return { known: false, why: `\${${name}} is a secret` };
        case 'unsupported':
          return { known: false, why: `\${${name}} is ${variable.reason}` };
      }
    },

    // What the Faultline document declares: only the variables the import used.
    declarations(): {
      configuration: Record<string, string>;
      secrets: Record<string, { env: string }>;
      origins: Map<string, PathSegment[]>;
    } {
      const configuration: Record<string, string> = {};
      const secrets: Record<string, { env: string }> = {};
      const origins = new Map<string, PathSegment[]>();
      for (const [faultlineName, variable] of [...used.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        origins.set(faultlineName, variable.path);
        if (variable.source === 'secret-env') secrets[faultlineName] = { env: variable.envKey };
        const value =
          variable.source === 'env'
            ? variable.hasDefault
              ? variable.defaultValue
              : undefined
            : 'value' in variable
              ? variable.value
              : undefined;
        const text = pythonText(value);
        if (variable.source !== 'secret-env' && text !== undefined) configuration[faultlineName] = text;
      }
      return { configuration, secrets, origins };
    },

    // Declared names the imported experiment never uses (extensions read some of them directly).
    unused(): string[] {
      const usedNames = new Set([...used.values()].map((variable) => variable.name).concat([...consulted]));
      return [...byName.keys()].filter((name) => !usedNames.has(name));
    },
  };
}
