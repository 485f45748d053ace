// Shared by the import tests: a fixture imported as `faultline import` would, and diagnostics as
// `LINE:COL: path: message` (the file name left out).
import { readFileSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import { parse } from 'yaml';
import {
  type ChaosToolkitImport,
  convertChaosToolkit,
  type ImportOptions,
} from '../../../src/chaostoolkit/convert-chaostoolkit.ts';
import type { Diagnostic } from '../../../src/experiment/diagnostic.ts';
import { formatDiagnostic } from '../../../src/experiment/diagnostic.ts';
import { parseExperiment } from '../../../src/experiment/load-experiment.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

export function importFixture(name: string, options: ImportOptions = {}): ChaosToolkitImport {
  const file = `test/fixtures/chaostoolkit/${name}`;
  return convertChaosToolkit(readFileSync(`${projectRoot}${file}`, 'utf8'), file, options);
}

export function placed(diagnostics: readonly Diagnostic[], severity: 'error' | 'warning'): string[] {
  return diagnostics
    .filter((diagnostic) => diagnostic.severity === severity)
    .map(
      (diagnostic) =>
        `${diagnostic.line}:${diagnostic.column}: ${diagnostic.path ? `${diagnostic.path}: ` : ''}${diagnostic.message}`,
    );
}

// biome-ignore lint/suspicious/noExplicitAny: the parsed document is read field by field
export type ImportedDocument = { spec: Record<string, any> };

// A `# ...` comment line in the YAML, whatever its indentation.
export const hasComment = (yaml: string, text: string) =>
  yaml.split('\n').some((line) => line.trim() === `# ${text}`);

// Every error the real loader finds in an imported document (unresolved variables are warnings, as
// for `faultline validate`).
export function validateImported(yaml: string, file: string): string[] {
  const loaded = parseExperiment(yaml, file, { env: {}, unresolved: 'warning' });
  return loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

// A fixture imports with exactly these warnings to a document that validates, then `check` looks inside.
export const imports = test.macro(
  (
    t,
    name: string,
    expected: { warnings: string[] },
    check: (t: ExecutionContext, document: ImportedDocument, yaml: string) => void,
  ) => {
    const result = importFixture(name);
    t.deepEqual(placed(result.diagnostics, 'error'), []);
    t.deepEqual(placed(result.diagnostics, 'warning'), expected.warnings);
    if (!result.yaml) return t.fail('no document');
    t.deepEqual(validateImported(result.yaml, `${name}.faultline.yaml`), []);
    t.deepEqual(parse(result.yaml), result.document, 'the YAML text is the document');
    check(t, parse(result.yaml) as ImportedDocument, result.yaml);
  },
);
