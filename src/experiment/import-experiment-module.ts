// An experiment written as a module (`checkout.experiment.ts` with `export default
// defineExperiment({...})`): imported by Node, which strips a TypeScript file's types as it does the
// repository's own, and its default export handed back to be judged like a parsed file. Importing
// runs the module's code: a module experiment is a program, trusted as the CLI itself is.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const moduleExtensions = /\.(ts|mts|cts|js|mjs|cjs)$/;

export function isExperimentModule(file: string): boolean {
  return moduleExtensions.test(file);
}

export type ImportedModule = { value: unknown } | { problem: string };

export async function importExperimentModule(file: string): Promise<ImportedModule> {
  let version: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return { problem: 'cannot read the file: not a regular file' };
    version = stat.mtimeMs;
  } catch (error) {
    return { problem: `cannot read the file: ${firstLine(error)}` };
  }
  let exports: Record<string, unknown>;
  try {
    // The file's modification time in the URL: a changed module (the daemon's next fire) is read anew.
    const url = pathToFileURL(resolve(file));
    url.searchParams.set('mtime', String(version));
    exports = (await import(url.href)) as Record<string, unknown>;
  } catch (error) {
    return { problem: `cannot import the module: ${firstLine(error)}` };
  }
  if (!('default' in exports) || exports.default === undefined)
    return {
      problem:
        'the module has no default export; expected `export default defineExperiment({ ... })` (an Experiment document)',
    };
  return { value: exports.default };
}

function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
      : String(error);
  return text.split('\n', 1)[0] ?? text;
}
