// A Chaos Toolkit file given to `import`, `run`, `plan` or `validate`: chaos run's three flags
// (how its hypothesis is checked during the method), defined once, and the line that says a file
// was one and where `faultline import` shows what shifts.
import { hostname, type as osType, release } from 'node:os';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { ImportOptions } from '../src/chaostoolkit/convert-chaostoolkit.ts';
import { strategies } from '../src/chaostoolkit/map-hypothesis.ts';
import type { LoadedExperimentFile } from '../src/loader/load-experiment-file.ts';
import type { ChaosToolkitJournalContext } from '../src/reporting/chaostoolkit-journal.ts';

export type ChaosToolkitFlags = {
  hypothesisStrategy?: string;
  hypothesisFrequency?: number;
  failFast?: boolean;
};

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * chaos run's three flags, for a Chaos Toolkit file (`import`, and `run`, `plan`, `validate` on
 * such a file): how its hypothesis is checked during the method.
 */
export function chaosToolkitOptions(): Option[] {
  return [
    new Option(
      '--hypothesis-strategy <strategy>',
      "Chaos Toolkit file: as chaos run's (default: the file's runtime.hypothesis.strategy, or default)",
    ).argParser(readStrategy),
    new Option(
      '--hypothesis-frequency <seconds>',
      "Chaos Toolkit file: as chaos run's, seconds between checks during the method",
    ).argParser(readFrequency),
    new Option(
      '--fail-fast',
      "Chaos Toolkit file: as chaos run's, the first failed check during the method deviates the run",
    ),
  ];
}

export function chaosToolkitImportOptions(flags: ChaosToolkitFlags): ImportOptions {
  return {
    strategy: flags.hypothesisStrategy,
    frequencySeconds: flags.hypothesisFrequency,
    failFast: flags.failFast,
  };
}

export function readFrequency(text: string): number {
  const seconds = Number(text);
  if (!(seconds > 0))
    throw new InvalidArgumentError(`expected a number of seconds above 0, found ${JSON.stringify(text)}`);
  return seconds;
}

// Chaos Toolkit accepts its own misspelling too.
export function readStrategy(text: string): string {
  const strategy = text === 'continously' ? 'continuously' : text;
  if (!strategies.includes(strategy))
    throw new InvalidArgumentError(`expected one of ${strategies.join(', ')}, found ${JSON.stringify(text)}`);
  return strategy;
}

/** For a Chaos Toolkit file: that it is one, and where `faultline import` shows what shifts. */
export function chaosToolkitNote(file: string, loaded: LoadedExperimentFile): string {
  if (!loaded.chaosToolkit) return '';
  const shifts = loaded.chaosToolkit.meaningShifts;
  return `a Chaos Toolkit experiment, imported; \`faultline import ${file}\` shows the ${plural(shifts, 'place')} where the meaning shifts`;
}

/**
 * `run --ctk-journal FILE`: where the journal in Chaos Toolkit's shape goes and what it says about
 * the run's host; a string when the experiment is not a Chaos Toolkit file (a usage error).
 */
export function chaosToolkitJournalRequest(
  file: string | undefined,
  loaded: LoadedExperimentFile,
  version: string,
): { file: string; context: ChaosToolkitJournalContext } | string | undefined {
  if (file === undefined) return undefined;
  if (!loaded.chaosToolkit)
    return '--ctk-journal writes the journal of a Chaos Toolkit experiment, and this is a Faultline one';
  const platform = `${osType()}-${release()}`;
  const context = { experiment: loaded.chaosToolkit.experiment, version, platform, node: hostname() };
  return { file: resolve(file), context };
}
