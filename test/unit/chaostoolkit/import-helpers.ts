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
import { type PendingKind, validateImported } from '../../helpers/pending-faults.ts';
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

// A fixture imports with exactly these warnings to a document that validates (the faults still on
// their way into the schema are checked against their agreed shape), then `check` looks inside.
export const imports = test.macro(
  (
    t,
    name: string,
    expected: { warnings: string[]; pending: PendingKind[] },
    check: (t: ExecutionContext, document: ImportedDocument, yaml: string) => void,
  ) => {
    const result = importFixture(name);
    t.deepEqual(placed(result.diagnostics, 'error'), []);
    t.deepEqual(placed(result.diagnostics, 'warning'), expected.warnings);
    if (!result.yaml) return t.fail('no document');
    const validation = validateImported(result.yaml, `${name}.faultline.yaml`);
    t.deepEqual(validation.problems, []);
    t.deepEqual(validation.pendingKinds, expected.pending);
    t.deepEqual(parse(result.yaml), result.document, 'the YAML text is the document');
    check(t, parse(result.yaml) as ImportedDocument, result.yaml);
  },
);
