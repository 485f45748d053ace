// Shared by the import tests: a fixture imported as `faultline import` would, and diagnostics as
// `LINE:COL: path: message` (the file name left out).
import { readFileSync } from 'node:fs';
import {
  type ChaosToolkitImport,
  convertChaosToolkit,
  type ImportOptions,
} from '../../../src/chaostoolkit/convert-chaostoolkit.ts';
import type { Diagnostic } from '../../../src/experiment/diagnostic.ts';
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
