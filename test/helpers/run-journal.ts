// What the integration tests that drive `faultline run` share: an experiment file written from the
// body of its spec, and the journal a run's stdout names.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from '../../src/engine/journal.ts';

/** Writes `dir/name.yaml`: an Experiment named `name` whose spec is `body` (indented by two). */
export function writeExperimentFile(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: faultline.dev/v1alpha1\nkind: Experiment\nmetadata: { name: ${name} }\nspec:\n${body}`,
  );
  return file;
}

/** The journal of the run whose stdout says `journal: FILE`. */
export function journalOf(stdout: string): Journal {
  const file = /journal: (\S+)/.exec(stdout)?.[1];
  if (!file) throw new Error(`no journal path in:\n${stdout}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Journal;
}
