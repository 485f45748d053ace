// `faultline import FILE [--out FILE]`: a Chaos Toolkit experiment (JSON or YAML) in, the
// equivalent Faultline experiment out (YAML, commented where the meaning shifts). Problems go to
// stderr as FILE:LINE:COL in the Chaos Toolkit file; any error writes nothing and exits 2.
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { convertChaosToolkit } from '../../src/chaostoolkit/convert-chaostoolkit.ts';
import { strategies } from '../../src/chaostoolkit/map-hypothesis.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { CommandError } from '../command-error.ts';
import { createTerminal, escapeControl } from '../terminal.ts';

type ImportFlags = {
  out?: string;
  hypothesisStrategy?: string;
  hypothesisFrequency?: number;
  failFast?: boolean;
};

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function parseFrequency(text: string): number {
  const seconds = Number(text);
  if (!(seconds > 0))
    throw new InvalidArgumentError(`expected a number of seconds above 0, found ${JSON.stringify(text)}`);
  return seconds;
}

function parseStrategy(text: string): string {
  const strategy = text === 'continously' ? 'continuously' : text;
  if (!strategies.includes(strategy))
    throw new InvalidArgumentError(`expected one of ${strategies.join(', ')}, found ${JSON.stringify(text)}`);
  return strategy;
}

async function importFile(file: string, flags: ImportFlags, context: CliContext): Promise<number> {
  const stderr = createTerminal(context.stderr, context.env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    stderr.print(
      `${file}: error: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
    return ExitCode.invalidInput;
  }
  const result = convertChaosToolkit(text, file, {
    strategy: flags.hypothesisStrategy,
    frequencySeconds: flags.hypothesisFrequency,
    failFast: flags.failFast,
  });
  for (const diagnostic of result.diagnostics) stderr.print(formatDiagnostic(diagnostic));
  const { errors, warnings } = countBySeverity(result.diagnostics);
  if (errors > 0 || result.yaml === undefined) {
    stderr.print(`${file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}; nothing written`);
    return ExitCode.invalidInput;
  }
  if (flags.out) {
    try {
      await writeFile(flags.out, result.yaml);
    } catch (error) {
      throw new CommandError(ExitCode.environmentError, `could not write ${flags.out}`, { cause: error });
    }
  } else context.stdout.write(escapeControl(result.yaml));
  const shifts = plural(result.notes.length, 'comment');
  stderr.print(
    `imported ${file}${flags.out ? ` into ${flags.out}` : ''}: ${shifts} where the meaning shifts, ${plural(warnings, 'warning')}`,
  );
  return ExitCode.ok;
}

export function createImportCommand(context: CommandContext): Command {
  return new Command('import')
    .description(
      'convert a Chaos Toolkit experiment (JSON or YAML) into a Faultline experiment, commented where the meaning shifts',
    )
    .argument('<file>', 'the Chaos Toolkit experiment')
    .option('--out <file>', 'write the Faultline experiment here (default: standard output)')
    .option(
      '--hypothesis-strategy <strategy>',
      "as chaos run's (default: the file's runtime.hypothesis.strategy, or default)",
      parseStrategy,
    )
    .option(
      '--hypothesis-frequency <seconds>',
      "as chaos run's: seconds between checks during the method",
      parseFrequency,
    )
    .option('--fail-fast', "as chaos run's: the first failed check during the method deviates the run")
    .action(async (file: string, flags: ImportFlags) => {
      context.settle(await importFile(file, flags, context));
    });
}
