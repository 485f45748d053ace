// A schedule file and every experiment it names, checked at once: the schedule's own problems at
// FILE:LINE:COL, an experiment file that cannot be read at its entry in the schedule, and each
// experiment's problems in that experiment's file (with the entry's vars applied).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Diagnostic, Severity } from '../experiment/diagnostic.ts';
import type { Experiment } from '../experiment/experiment.ts';
import { loadExperiment } from '../experiment/load-experiment.ts';
import type { Schedule } from '../experiment/schedule-schema.ts';
import { createSourceLocator } from '../experiment/source-positions.ts';

export type LoadedEntry = { name: string; file: string; experiment?: Experiment };

export type LoadedSchedule = {
  /** Present when the schedule and every experiment are valid. */
  schedule?: Schedule;
  entries: LoadedEntry[];
  diagnostics: Diagnostic[];
  /** Hides the schedule's secrets (e.g. webhook URLs). */
  redact: (text: string) => string;
};

export async function loadSchedule(
  file: string,
  options: { env: Readonly<Record<string, string | undefined>>; unresolved: Severity },
): Promise<LoadedSchedule> {
  const loaded = await loadExperiment(file, { ...options, kinds: ['Schedule'] });
  const schedule = loaded.document as Schedule | undefined;
  if (!schedule) return { entries: [], diagnostics: loaded.diagnostics, redact: loaded.redact };
  const diagnostics = [...loaded.diagnostics];
  const text = await readFile(file, 'utf8');
  const lineCounter = new LineCounter();
  const locator = createSourceLocator(parseDocument(text, { lineCounter }), lineCounter);
  const entries: LoadedEntry[] = [];
  for (const [index, entry] of schedule.spec.entries.entries()) {
    const experimentFile = resolve(dirname(file), entry.experiment);
    const result = await loadExperiment(experimentFile, {
      ...options,
      vars: entry.vars ?? {},
      kinds: ['Experiment'],
    });
    const unreadable = result.source === undefined && result.diagnostics.every((d) => d.line === undefined);
    if (unreadable) {
      const path = ['spec', 'entries', index, 'experiment'];
      diagnostics.push({
        file,
        ...locator.positionOf(path),
        severity: 'error',
        path: `spec.entries[${index}].experiment`,
        message: `${result.diagnostics[0]?.message ?? 'cannot read the file'}: ${experimentFile}`,
        expected: 'an experiment file, relative to this schedule',
        found: JSON.stringify(entry.experiment),
      });
    } else {
      diagnostics.push(...result.diagnostics);
    }
    entries.push({ name: entry.name, file: experimentFile, experiment: result.experiment });
  }
  const valid = !diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  return { schedule: valid ? schedule : undefined, entries, diagnostics, redact: loaded.redact };
}
